"""Prints, as JSON, what pydicom finds in a DICOM file, as expectations for the WADO-RS tests that do not come
from the server's own code (nor from PixelMed, which the server uses):
  pydicom_frames.py FILE            the SHA-256 of each frame of the Pixel Data: encapsulated frames as stored
                                    (pydicom's fragment / offset-table logic), uncompressed frames little-endian
  pydicom_frames.py FILE TAG_PATH   the SHA-256 of the value at a bulk data tag path (e.g. 54000100/0/54001010)
"""
import hashlib
import json
import sys

import pydicom
from pydicom.encaps import generate_pixel_data_frame

ds = pydicom.dcmread(sys.argv[1])
if len(sys.argv) > 2:
    segments = sys.argv[2].split("/")
    node = ds
    for k, segment in enumerate(segments):
        if k % 2 == 0:
            element = node[int(segment, 16)]
        else:
            node = element.value[int(segment)]
    print(json.dumps({"sha256": hashlib.sha256(element.value).hexdigest(), "length": len(element.value)}))
    sys.exit(0)
frames = int(ds.get("NumberOfFrames", 1) or 1)
ts = ds.file_meta.TransferSyntaxUID
out = []
if ts.is_compressed:
    for frame in generate_pixel_data_frame(ds.PixelData, frames):
        out.append(hashlib.sha256(frame).hexdigest())
else:
    data = ds.PixelData
    bits = ds.BitsAllocated
    if not ts.is_little_endian and bits > 8:
        width = bits // 8  # big-endian samples turned little-endian, without numpy (not installed by setup.sh)
        data = b"".join(data[k:k + width][::-1] for k in range(0, len(data), width))
    frame_bits = ds.Rows * ds.Columns * ds.get("SamplesPerPixel", 1) * bits
    assert frame_bits % 8 == 0, "bit-packed frames are not byte aligned"
    size = frame_bits // 8
    for k in range(frames):
        out.append(hashlib.sha256(data[k * size:(k + 1) * size]).hexdigest())
print(json.dumps({"transferSyntax": str(ts), "frames": out}))
