"""Generates goldens.safetensors: DINOv2 at its input's own size, through timm and through Hugging Face transformers.

Run (timm 1.0.28 source + Debian 12's python3-torch 1.13, Pillow, numpy; transformers is not needed):
    PYTHONPATH=/tmp/timm-src-v1.0.28 /usr/bin/python3 make_goldens.py ../models ../preprocess/images

timm path (the real library): timm.create_model(<arch>, embed_dim=48, depth=3, num_heads=3, img_size=56,
dynamic_img_size=True[, dynamic_img_pad=True], num_classes=0) with the fixture's timm weights, and
timm.data.create_transform(input_size=(3, H, W), crop_pct, interpolation='bicubic', crop_mode) on the fixture photos
(Pillow images built from their decoded `*.rgb.safetensors` bytes, so no JPEG decoder is involved).

Hugging Face path: transformers is not installed on this machine, so its behaviour is reproduced here from its source
(modeling_dinov2.py / modeling_dinov2_with_registers.py, image_processing_bit.py), with the fixture's HF-named weights:
  processor (do_resize False, do_center_crop False): float32(uint8 * float64(1/255)), then (x - mean) / std in float32;
  Dinov2PatchEmbeddings: a stride-14 conv (trailing pixels that do not fill a patch are dropped);
  interpolate_pos_encoding: skipped only when num_patches == num_positions and height == width (pixels); else the
  patch part is bicubic-resized to (H // 14, W // 14), antialias=False for Dinov2Model and antialias=True for
  Dinov2WithRegistersModel (both with an explicit size); registers are inserted after CLS *after* the position add;
  encoder = pre-norm blocks with layer scale; last_hidden_state = final layernorm (eps from the config, 1e-6).
The script checks this reproduction against timm at the fixtures' own 56x56 input (max |diff| printed).
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import timm
from timm.data import create_transform

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = {"F32": "<f4", "U8": "u1", "I64": "<i8"}[info["dtype"]]
        arr = np.frombuffer(data[8 + n + b:8 + n + e], dtype=dt).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        a = t.detach().contiguous().numpy()
        dtype = "U8" if a.dtype == np.uint8 else "F32"
        raw = a.astype("u1" if dtype == "U8" else "<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(blobs))


def hf_processor_native(rgb):
    """BitImageProcessor with do_resize=False, do_center_crop=False: rescale (float64 -> float32), normalise, CHW."""
    x = (rgb.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))[None]


def hf_forward(w, pixels, registers, num_heads=3, eps=1e-6):
    """transformers Dinov2Model / Dinov2WithRegistersModel last_hidden_state, from the HF-named weights."""
    b, _, height, width = pixels.shape
    x = F.conv2d(pixels, w["embeddings.patch_embeddings.projection.weight"], w["embeddings.patch_embeddings.projection.bias"], stride=14)
    x = x.flatten(2).transpose(1, 2)
    x = torch.cat([w["embeddings.cls_token"].expand(b, -1, -1), x], dim=1)
    pos = w["embeddings.position_embeddings"]
    num_patches, num_positions = x.shape[1] - 1, pos.shape[1] - 1
    if not (num_patches == num_positions and height == width):
        m = int(num_positions ** 0.5)
        d = x.shape[-1]
        grid = pos[:, 1:].reshape(1, m, m, d).permute(0, 3, 1, 2).float()
        grid = F.interpolate(grid, size=(height // 14, width // 14), mode="bicubic", align_corners=False, antialias=registers)
        pos = torch.cat([pos[:, :1], grid.permute(0, 2, 3, 1).reshape(1, -1, d)], dim=1)
    x = x + pos
    if registers:
        x = torch.cat([x[:, :1], w["embeddings.register_tokens"].expand(b, -1, -1), x[:, 1:]], dim=1)
    d = x.shape[-1]
    hd = d // num_heads
    i = 0
    while f"encoder.layer.{i}.norm1.weight" in w:
        p = f"encoder.layer.{i}."
        h = F.layer_norm(x, (d,), w[p + "norm1.weight"], w[p + "norm1.bias"], eps)
        q, k, v = (F.linear(h, w[p + f"attention.attention.{n}.weight"], w[p + f"attention.attention.{n}.bias"])
                   .view(b, -1, num_heads, hd).transpose(1, 2) for n in ("query", "key", "value"))
        a = torch.softmax((q @ k.transpose(-1, -2)) * hd ** -0.5, dim=-1) @ v
        a = F.linear(a.transpose(1, 2).reshape(b, -1, d), w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"])
        x = x + a * w[p + "layer_scale1.lambda1"]
        h = F.layer_norm(x, (d,), w[p + "norm2.weight"], w[p + "norm2.bias"], eps)
        h = F.linear(F.gelu(F.linear(h, w[p + "mlp.fc1.weight"], w[p + "mlp.fc1.bias"])), w[p + "mlp.fc2.weight"], w[p + "mlp.fc2.bias"])
        x = x + h * w[p + "layer_scale2.lambda1"]
        i += 1
    return F.layer_norm(x, (d,), w["layernorm.weight"], w["layernorm.bias"], eps)


def timm_model(models_dir, case, **extra):
    arch = "vit_small_patch14_reg4_dinov2" if case == "dinov2_reg_tiny" else "vit_small_patch14_dinov2"
    model = timm.create_model(arch, pretrained=False, embed_dim=48, depth=3, num_heads=3, img_size=56, num_classes=0, **extra)
    state = read_safetensors(f"{models_dir}/{case}/weights_timm.safetensors")
    state = {k: v for k, v in state.items() if not k.startswith("head.")}
    model.load_state_dict(state, strict=True)
    return model.eval()


def main(models_dir, images_dir):
    torch.set_num_threads(1)
    out = {}
    photos = {n: read_safetensors(f"{images_dir}/{n}.rgb.safetensors")["rgb"].numpy() for n in ("china", "flower")}

    # Hugging Face: images at their own size (crops of china.jpg's decoded bytes), no resize, no crop.
    crops = {"70x84": (70, 84, 100, 200), "56x98": (56, 98, 150, 300), "61x75": (61, 75, 200, 50)}
    for case, registers in (("dinov2_tiny", False), ("dinov2_reg_tiny", True)):
        w = read_safetensors(f"{models_dir}/{case}/weights_hf.safetensors")
        native = read_safetensors(f"{models_dir}/{case}/input.safetensors")["pixel_values"]
        expected = read_safetensors(f"{models_dir}/{case}/expected.safetensors")["features"]
        with torch.no_grad():
            print(case, "HF reproduction vs fixture (timm) features at 56x56: max |diff| =",
                  (hf_forward(w, native, registers) - expected).abs().max().item())
            for size, (h, wd, top, left) in crops.items():
                rgb = np.ascontiguousarray(photos["china"][top:top + h, left:left + wd])
                out[f"image_{size}"] = torch.from_numpy(rgb)
                pixels = hf_processor_native(rgb)
                out[f"hf_pixels_{size}"] = pixels
                out[f"hf_{case}_{size}_features"] = hf_forward(w, pixels, registers)

    # timm: dynamic_img_size models; the Hub folder's pretrained_cfg input_size picks the size.
    timm_cases = [
        ("dinov2_tiny", (70, 84), 0.875, "center", {}),
        ("dinov2_reg_tiny", (70, 84), 0.875, "center", {}),
        ("dinov2_reg_tiny", (56, 98), 1.0, "squash", {}),
        ("dinov2_tiny", (61, 75), 1.0, "center", {"dynamic_img_pad": True}),
    ]
    for case, (h, wd), crop_pct, crop_mode, extra in timm_cases:
        model = timm_model(models_dir, case, dynamic_img_size=True, **extra)
        transform = create_transform(input_size=(3, h, wd), crop_pct=crop_pct, interpolation="bicubic", crop_mode=crop_mode, mean=MEAN, std=STD)
        print(case, h, wd, crop_mode, transform)
        for name, rgb in photos.items():
            pixels = transform(Image.fromarray(rgb))[None]
            key = f"timm_{case}_{h}x{wd}_{crop_mode}_{name}"
            with torch.no_grad():
                out[key + "_pixels"] = pixels
                out[key + "_features"] = model.forward_features(pixels)
    # timm without dynamic_img_pad refuses a size that is not a multiple of the patch: record that it does.
    model = timm_model(models_dir, "dinov2_tiny", dynamic_img_size=True)
    try:
        model.forward_features(torch.zeros(1, 3, 61, 75))
        raise SystemExit("expected timm to refuse 61x75 without dynamic_img_pad")
    except AssertionError as e:
        print("timm refuses 61x75 without dynamic_img_pad:", e)
    write_safetensors("goldens.safetensors", out, {"timm": timm.__version__, "torch": torch.__version__, "script": "make_goldens.py"})
    for k, v in out.items():
        print(k, list(v.shape))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../models", sys.argv[2] if len(sys.argv) > 2 else "../preprocess/images")
