// Validates Kubernetes manifests offline, as the API server would before admitting them:
//   1. every document against the Kubernetes OpenAPI schema of its apiVersion/kind (kubernetes-models' compiled
//      validators: types, required fields, enums, formats);
//   2. strict field validation (kubectl apply --validate=strict): a field the schema does not declare is an error
//      (the OpenAPI schemas allow unknown fields, the API server's strict mode does not);
//   3. a few rules the API server enforces outside the schema: selectors match the pod template's labels, container
//      port names are IANA service names, probes name ports the container declares; no resource twice.
// A kustomization.yaml (or a folder holding one) stands for the files its `resources` list.
//
// Usage: node validate.mjs [--json] <file.yaml | kustomization.yaml | folder>...
// Exit code: 0 all valid, 1 some document is invalid, 2 bad usage or unreadable input.
// --json prints {ok, tools, documents: [{file, apiVersion, kind, name, namespace, errors, object}], errors}.
import { readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const tools = Object.fromEntries(["kubernetes-models", "yaml"].map((name) =>
  [name, JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version]));

const kustomizationKeys = new Set(["apiVersion", "kind", "metadata", "resources", "namespace", "namePrefix", "nameSuffix",
  "labels", "commonLabels", "commonAnnotations", "images", "replicas", "patches", "configMapGenerator", "secretGenerator",
  "generatorOptions", "components", "crds", "buildMetadata", "openapi", "helmCharts", "replacements", "sortOptions",
  "transformers", "generators", "validators", "configurations"]);
const kustomizationImageKeys = new Set(["name", "newName", "newTag", "digest", "tagSuffix"]);
const ianaServiceName = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

const args = process.argv.slice(2);
const json = args.includes("--json");
const inputs = args.filter((a) => a !== "--json");
if (inputs.length === 0) {
  console.error("usage: node validate.mjs [--json] <file.yaml | kustomization.yaml | folder>...");
  process.exit(2);
}

const documents = [];
const inputErrors = [];

/** "/spec/template/spec/containers/0/bogus" -> "spec.template.spec.containers[0].bogus". */
function fieldPath(pointer) {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    out += /^\d+$/.test(segment) ? `[${segment}]` : (out ? "." : "") + segment;
  }
  return out || "(document)";
}

/** The model class and the compiled schema validator of an apiVersion/kind, or null when kubernetes-models has none. */
const modelCache = new Map();
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let found = null;
  if (/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) && /^[A-Za-z0-9]+$/.test(kind)) {
    // kubernetes-models/v1/Namespace, kubernetes-models/apps/v1/Deployment, kubernetes-models/policy/v1/...
    const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
    try {
      const module = await import(modulePath);
      const Model = module[kind] ?? module.default;
      const source = readFileSync(fileURLToPath(import.meta.resolve(modulePath)), "utf8");
      const schema = /_schemas\/(\w+)\.js/.exec(source)?.[1];
      const { validate } = await import(`kubernetes-models/_schemas/${schema}`);
      if (Model && validate && Model.apiVersion === apiVersion && Model.kind === kind) found = { Model, validate };
    } catch {
      found = null;
    }
  }
  modelCache.set(key, found);
  return found;
}

/**
 * Runs the schema validator over a proxy that records which properties it reads. The compiled validators test every
 * property their schema declares (present or not) and iterate maps, so a key nobody read is one the schema does not
 * know. Objects of which nothing at all was read have no declared properties (free-form): they are not judged.
 */
function unknownFields(validate, data) {
  const tracked = [];
  function track(value, pointer) {
    if (value === null || typeof value !== "object") return value;
    const read = new Set();
    tracked.push({ value, pointer, read });
    const children = new Map();
    return new Proxy(value, {
      get(target, property, receiver) {
        if (typeof property === "string") {
          read.add(property);
          if (Object.hasOwn(target, property)) {
            if (!children.has(property)) children.set(property, track(target[property], `${pointer}/${property.replaceAll("~", "~0").replaceAll("/", "~1")}`));
            return children.get(property);
          }
        }
        return Reflect.get(target, property, receiver);
      },
    });
  }
  validate(track(data, ""));
  const unknown = [];
  for (const { value, pointer, read } of tracked) {
    if (Array.isArray(value) || read.size === 0) continue;
    for (const key of Object.keys(value)) {
      if (!read.has(key)) unknown.push(`${fieldPath(`${pointer}/${key}`)}: unknown field "${key}"`);
    }
  }
  return unknown;
}

function podSpecOf(doc) {
  const spec = doc.spec ?? {};
  if (doc.kind === "Pod") return spec;
  if (doc.kind === "CronJob") return spec.jobTemplate?.spec?.template?.spec;
  return spec.template?.spec;
}

/** Rules the API server enforces beyond the schema (and one the kubelet needs: probes name declared ports). */
function semanticErrors(doc) {
  const errors = [];
  const spec = doc.spec ?? {};
  const templateLabels = spec.template?.metadata?.labels ?? {};
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(doc.kind)) {
    for (const [k, v] of Object.entries(spec.selector?.matchLabels ?? {})) {
      if (templateLabels[k] !== v) errors.push(`spec.selector.matchLabels.${k}: selector does not match template labels (template has ${JSON.stringify(templateLabels[k] ?? null)})`);
    }
  }
  const podSpec = podSpecOf(doc);
  const groups = [["containers", podSpec?.containers], ["initContainers", podSpec?.initContainers]];
  for (const [group, containers] of groups) {
    (Array.isArray(containers) ? containers : []).forEach((c, i) => {
      const at = `${doc.kind === "Pod" ? "spec" : doc.kind === "CronJob" ? "spec.jobTemplate.spec.template.spec" : "spec.template.spec"}.${group}[${i}]`;
      const names = new Set();
      (Array.isArray(c?.ports) ? c.ports : []).forEach((p, j) => {
        if (p?.name === undefined) return;
        if (!ianaServiceName.test(String(p.name))) errors.push(`${at}.ports[${j}].name: "${p.name}" is not an IANA service name (1-15 lowercase letters, digits, '-')`);
        if (names.has(p.name)) errors.push(`${at}.ports[${j}].name: duplicate port name "${p.name}"`);
        names.add(p.name);
      });
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        for (const handler of ["tcpSocket", "httpGet", "grpc"]) {
          const port = c?.[probe]?.[handler]?.port;
          if (typeof port === "string" && !names.has(port)) errors.push(`${at}.${probe}.${handler}.port: names port "${port}", which the container does not declare`);
        }
      }
      const envNames = new Set();
      (Array.isArray(c?.env) ? c.env : []).forEach((e, j) => {
        if (envNames.has(e?.name)) errors.push(`${at}.env[${j}].name: duplicate environment variable "${e.name}"`);
        envNames.add(e?.name);
      });
    });
  }
  return errors;
}

async function validateDocument(file, index, doc) {
  const entry = { file, index, apiVersion: doc?.apiVersion ?? null, kind: doc?.kind ?? null, name: doc?.metadata?.name ?? null, namespace: doc?.metadata?.namespace ?? null, errors: [], object: doc };
  documents.push(entry);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    entry.errors.push("(document): not a mapping");
    return;
  }
  for (const field of ["apiVersion", "kind"]) {
    if (typeof doc[field] !== "string" || doc[field] === "") entry.errors.push(`${field}: required`);
  }
  if (entry.errors.length > 0) return;
  const model = await modelFor(doc.apiVersion, doc.kind);
  if (model === null) {
    entry.errors.push(`apiVersion/kind: ${doc.apiVersion} ${doc.kind} is not a resource kubernetes-models ${tools["kubernetes-models"]} knows`);
    return;
  }
  if (typeof doc.metadata?.name !== "string" || doc.metadata.name === "") entry.errors.push("metadata.name: required");
  try {
    new model.Model(doc).validate();
  } catch (error) {
    const list = Array.isArray(error?.errors) ? error.errors : null;
    if (list === null) throw error;
    for (const e of list) {
      const extra = e.keyword === "enum" && e.params?.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "";
      entry.errors.push(`${fieldPath(e.instancePath)}: ${e.message ?? e.keyword}${extra}`);
    }
  }
  entry.errors.push(...unknownFields(model.validate, doc), ...semanticErrors(doc));
}

async function validateFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    inputErrors.push(`${file}: cannot read: ${error.message}`);
    return;
  }
  const parsed = parseAllDocuments(text, { uniqueKeys: true });
  const streams = Array.isArray(parsed) ? parsed : [parsed];
  let index = 0;
  for (const document of streams) {
    if (document.errors.length > 0) {
      documents.push({ file, index, apiVersion: null, kind: null, name: null, namespace: null, object: null,
        errors: document.errors.map((e) => `YAML: ${e.message.split("\n")[0]}`) });
    } else {
      const doc = document.toJS();
      if (doc !== null && doc !== undefined) {
        if (basename(file).startsWith("kustomization.")) await validateKustomization(file, doc);
        else await validateDocument(file, index, doc);
      }
    }
    index++;
  }
}

async function validateKustomization(file, doc) {
  const entry = { file, index: 0, apiVersion: doc?.apiVersion ?? null, kind: doc?.kind ?? "Kustomization", name: null, namespace: doc?.namespace ?? null, errors: [], object: doc };
  documents.push(entry);
  if (doc.apiVersion !== "kustomize.config.k8s.io/v1beta1" || doc.kind !== "Kustomization") {
    entry.errors.push("apiVersion/kind: expected kustomize.config.k8s.io/v1beta1 Kustomization");
  }
  for (const key of Object.keys(doc)) {
    if (!kustomizationKeys.has(key)) entry.errors.push(`${key}: unknown field "${key}"`);
  }
  (Array.isArray(doc.images) ? doc.images : []).forEach((image, i) => {
    if (typeof image?.name !== "string") entry.errors.push(`images[${i}].name: required`);
    for (const key of Object.keys(image ?? {})) {
      if (!kustomizationImageKeys.has(key)) entry.errors.push(`images[${i}].${key}: unknown field "${key}"`);
    }
  });
  if (doc.resources !== undefined && !Array.isArray(doc.resources)) entry.errors.push("resources: must be a list");
  for (const [i, resource] of (Array.isArray(doc.resources) ? doc.resources : []).entries()) {
    if (typeof resource !== "string") {
      entry.errors.push(`resources[${i}]: must be a path`);
      continue;
    }
    const path = resolve(dirname(file), resource);
    if (!existsSync(path)) entry.errors.push(`resources[${i}]: ${resource} does not exist`);
    else await validatePath(path);
  }
}

async function validatePath(input) {
  const path = resolve(input);
  if (!existsSync(path)) {
    inputErrors.push(`${input}: does not exist`);
    return;
  }
  if (statSync(path).isDirectory()) {
    const kustomization = ["kustomization.yaml", "kustomization.yml"].map((n) => join(path, n)).find(existsSync);
    if (kustomization === undefined) inputErrors.push(`${input}: a folder without kustomization.yaml`);
    else await validateFile(kustomization);
    return;
  }
  await validateFile(path);
}

for (const input of inputs) await validatePath(input);

const seen = new Map();
for (const d of documents) {
  if (d.kind === null || d.kind === "Kustomization" || d.name === null) continue;
  const key = `${d.apiVersion}/${d.kind}/${d.namespace ?? ""}/${d.name}`;
  if (seen.has(key)) d.errors.push(`metadata.name: ${d.kind} ${d.name} is also defined in ${seen.get(key)}`);
  else seen.set(key, d.file);
}

const ok = inputErrors.length === 0 && documents.every((d) => d.errors.length === 0);
if (json) {
  process.stdout.write(JSON.stringify({ ok, tools, documents, errors: inputErrors }, null, 1) + "\n");
} else {
  for (const e of inputErrors) console.log(`ERROR ${e}`);
  for (const d of documents) {
    const what = `${d.file}#${d.index} ${d.kind ?? "?"}/${d.name ?? "?"}`;
    if (d.errors.length === 0) console.log(`OK    ${what}`);
    for (const e of d.errors) console.log(`ERROR ${what}: ${e}`);
  }
  console.log(`${documents.filter((d) => d.errors.length === 0).length} valid, ${documents.filter((d) => d.errors.length > 0).length} invalid `
    + `(kubernetes-models ${tools["kubernetes-models"]}, yaml ${tools.yaml})`);
}
process.exit(inputErrors.length > 0 ? 2 : ok ? 0 : 1);
