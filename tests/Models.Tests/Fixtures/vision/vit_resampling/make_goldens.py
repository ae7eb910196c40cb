"""Generates goldens.safetensors: ViT position-table resampling in the three published ways.

Run with Debian 12's python3-torch 1.13.1 and numpy (no timm, no transformers needed):
    /usr/bin/python3 make_goldens.py ../models
(`../models` holds the dinov2_tiny and dinov2_reg_tiny fixture folders.)

The three behaviours, as the libraries write them (patch part of the table only; class/register rows untouched):
  timm      timm.layers.resample_abs_pos_embed, HF Dinov2WithRegistersModel, original repo reg models:
            F.interpolate(grid, size=(h, w), mode="bicubic", antialias=True)
  hf        HF Dinov2Model: F.interpolate(grid, size=(h, w), mode="bicubic", align_corners=False)
  original  facebookresearch/dinov2 (interpolate_offset=0.1, interpolate_antialias=False):
            F.interpolate(grid, scale_factor=((h + 0.1) / M, (w + 0.1) / M), mode="bicubic")
Model-level goldens run the tiny DINOv2 fixtures at 70x84 pixels (grid 5x6), and dinov2_tiny at 56x60 (native 4x4
grid from non-square pixels, which only the original repo resamples), through a plain-PyTorch copy of
timm's VisionTransformer forward; the script first checks that copy against the fixture's expected features at
56x56 (max |diff| printed).
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[8 + n + b:8 + n + e], dtype="<f4").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(blobs))


def resample(patch_pos, old, new, mode):
    """patch_pos [1, old_h*old_w, D] -> [1, new_h*new_w, D]."""
    d = patch_pos.shape[-1]
    grid = patch_pos.float().reshape(1, old[0], old[1], d).permute(0, 3, 1, 2)
    if mode == "timm":
        out = F.interpolate(grid, size=new, mode="bicubic", align_corners=False, antialias=True)
    elif mode == "hf":
        out = F.interpolate(grid, size=new, mode="bicubic", align_corners=False)
    elif mode == "original":
        sf = ((new[0] + 0.1) / old[0], (new[1] + 0.1) / old[1])
        out = F.interpolate(grid, scale_factor=sf, mode="bicubic", align_corners=False)
    else:
        raise ValueError(mode)
    assert tuple(out.shape[-2:]) == tuple(new), (mode, out.shape)
    return out.permute(0, 2, 3, 1).reshape(1, -1, d)


def vit_features(w, x, num_heads, reg_tokens, no_embed_class, mode):
    """timm VisionTransformer.forward_features for the DINOv2 fixtures (LayerScale, GELU MLP, eps 1e-6)."""
    b = x.shape[0]
    pixels = x
    x = F.conv2d(x, w["patch_embed.proj.weight"], w["patch_embed.proj.bias"], stride=14)
    gh, gw = x.shape[-2:]
    x = x.flatten(2).transpose(1, 2)
    pos = w["pos_embed"]
    prefix = 0 if no_embed_class else 1 + reg_tokens
    m = int(round((pos.shape[1] - prefix) ** 0.5))
    # timm / HF skip when the grid is native (a same-size resize is the identity); the original repo skips only
    # when the pixels are square too (`npatch == N and w == h`), and its +0.1 offset makes the resize no identity.
    if (gh, gw) != (m, m) or (mode == "original" and pixels.shape[-1] != pixels.shape[-2]):
        pos = torch.cat([pos[:, :prefix], resample(pos[:, prefix:], (m, m), (gh, gw), mode)], dim=1)
    tokens = [w["cls_token"].expand(b, -1, -1)]
    if reg_tokens:
        tokens.append(w["reg_token"].expand(b, -1, -1))
    if no_embed_class:
        x = torch.cat(tokens + [x + pos], dim=1)
    else:
        x = torch.cat(tokens + [x], dim=1) + pos
    d = x.shape[-1]
    hd = d // num_heads
    i = 0
    while f"blocks.{i}.norm1.weight" in w:
        p = f"blocks.{i}."
        h = F.layer_norm(x, (d,), w[p + "norm1.weight"], w[p + "norm1.bias"], 1e-6)
        qkv = F.linear(h, w[p + "attn.qkv.weight"], w[p + "attn.qkv.bias"])
        qkv = qkv.reshape(b, -1, 3, num_heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        a = ((q * hd ** -0.5) @ k.transpose(-2, -1)).softmax(-1) @ v
        a = F.linear(a.transpose(1, 2).reshape(b, -1, d), w[p + "attn.proj.weight"], w[p + "attn.proj.bias"])
        x = x + a * w[p + "ls1.gamma"]
        h = F.layer_norm(x, (d,), w[p + "norm2.weight"], w[p + "norm2.bias"], 1e-6)
        h = F.linear(F.gelu(F.linear(h, w[p + "mlp.fc1.weight"], w[p + "mlp.fc1.bias"])), w[p + "mlp.fc2.weight"], w[p + "mlp.fc2.bias"])
        x = x + h * w[p + "ls2.gamma"]
        i += 1
    return F.layer_norm(x, (d,), w["norm.weight"], w["norm.bias"], 1e-6)


def main(models_dir):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(4242)
    out = {}
    small = torch.randn(1, 36, 8, generator=g)              # 6x6 grid, D = 8
    real = torch.randn(1, 37 * 37, 4, generator=g) * 0.7    # DINOv2's 518 / 14 = 37 grid
    out["table_6x6"] = small
    out["table_37x37"] = real
    for mode in ("timm", "hf", "original"):
        out[f"{mode}_6x6_to_4x4"] = resample(small, (6, 6), (4, 4), mode)
        out[f"{mode}_6x6_to_9x7"] = resample(small, (6, 6), (9, 7), mode)
        out[f"{mode}_37x37_to_16x16"] = resample(real, (37, 37), (16, 16), mode)

    x = torch.randn(2, 3, 70, 84, generator=g)
    out["input_70x84"] = x
    for case, reg in (("dinov2_tiny", 0), ("dinov2_reg_tiny", 4)):
        w = read_safetensors(f"{models_dir}/{case}/weights_timm.safetensors")
        native = read_safetensors(f"{models_dir}/{case}/input.safetensors")["pixel_values"]
        expected = read_safetensors(f"{models_dir}/{case}/expected.safetensors")["features"]
        with torch.no_grad():
            check = vit_features(w, native, 3, reg, reg > 0, "timm")
            print(case, "reference vs fixture features at 56x56: max |diff| =", (check - expected).abs().max().item())
            for mode in ("timm", "hf", "original"):
                out[f"{case}_{mode}_features_70x84"] = vit_features(w, x, 3, reg, reg > 0, mode)
    # Native grid (4x4) from non-square pixels: only the original repo resamples (with its offset).
    x2 = torch.randn(2, 3, 56, 60, generator=g)
    out["input_56x60"] = x2
    w = read_safetensors(f"{models_dir}/dinov2_tiny/weights_timm.safetensors")
    with torch.no_grad():
        for mode in ("timm", "original"):
            out[f"dinov2_tiny_{mode}_features_56x60"] = vit_features(w, x2, 3, 0, False, mode)
    write_safetensors("goldens.safetensors", out, {"torch": torch.__version__, "script": "make_goldens.py"})
    for k, v in out.items():
        print(k, list(v.shape))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../models")
