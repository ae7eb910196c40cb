"""Makes the JPEG decode goldens of this folder: variants of a crop of ../preprocess/images/china.jpg encoded by
Pillow, and Pillow's own decode of each (Image.open(...).convert("RGB"), after ImageOps.exif_transpose for the
oriented one) as uint8 [H, W, 3] safetensors. Made with Debian 12's python3-pil 9.4.0 (libjpeg-turbo 2.1.5):
/usr/bin/python3 make_jpeg_goldens.py. The tests never run Python."""
import io, json, struct
import numpy as np
from PIL import Image, ImageOps

def save_safetensors(path, name, array):
    data = np.ascontiguousarray(array).tobytes()
    header = json.dumps({name: {"dtype": "U8", "shape": list(array.shape), "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)

source = Image.open("../preprocess/images/china.jpg").convert("RGB").crop((101, 57, 101 + 157, 57 + 93))  # odd sizes
variants = {
    "baseline_420": dict(quality=85, subsampling=2),
    "baseline_422": dict(quality=90, subsampling=1),
    "baseline_444": dict(quality=95, subsampling=0),
    "progressive_420": dict(quality=80, subsampling=2, progressive=True),
    "restart_420": dict(quality=75, subsampling=2, restart_marker_blocks=4),
}
made = {}
for name, options in variants.items():
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", **options)
    made[name] = buffer.getvalue()
gray = io.BytesIO()
source.convert("L").save(gray, "JPEG", quality=85)
made["gray"] = gray.getvalue()
exif = Image.Exif()
exif[0x0112] = 6  # rotate 90 clockwise on display
oriented = io.BytesIO()
source.save(oriented, "JPEG", quality=85, exif=exif.tobytes())
made["exif_orientation_6"] = oriented.getvalue()

for name, data in made.items():
    with open(name + ".jpg", "wb") as f:
        f.write(data)
    image = Image.open(io.BytesIO(data))
    if name.startswith("exif"):
        image = ImageOps.exif_transpose(image)
    save_safetensors(name + ".rgb.safetensors", "rgb", np.asarray(image.convert("RGB")))
    print(name, len(data), "bytes", image.size)
