"""Modality values of one frame of an uncompressed image, for FrameDecoderTest: pydicom parses the data set,
this script unpacks Pixel Data itself (no numpy on the test machine) and applies Rescale Slope/Intercept
(PS3.3 C.11.1). An implementation independent of PixelMed.

usage: pydicom_modality_values.py FILE FRAME   (FRAME from 1)
prints JSON: rows, columns, samples, frames, values (row by row, samples of a pixel together)
"""
import json
import struct
import sys

import pydicom

ds = pydicom.dcmread(sys.argv[1])
frame = int(sys.argv[2])
if ds.file_meta.TransferSyntaxUID.is_compressed:
    sys.exit("compressed transfer syntax: not supported by this script")
rows, columns = int(ds.Rows), int(ds.Columns)
samples = int(ds.SamplesPerPixel)
frames = int(ds.get("NumberOfFrames", 1) or 1)
bits = int(ds.BitsAllocated)
stored = int(ds.BitsStored)
signed = int(ds.PixelRepresentation) == 1
if int(ds.get("PlanarConfiguration", 0) or 0) != 0:
    sys.exit("planar configuration 1: not supported by this script")
endian = ">" if not ds.is_little_endian else "<"
code = {8: "B", 16: "H", 32: "I"}[bits]
per_frame = rows * columns * samples
data = ds.PixelData
size = bits // 8
start = (frame - 1) * per_frame * size
raw = struct.unpack(endian + code * per_frame, data[start:start + per_frame * size])
mask = (1 << stored) - 1
values = []
slope = float(ds.get("RescaleSlope", 1) or 1)
intercept = float(ds.get("RescaleIntercept", 0) or 0)
for v in raw:
    v &= mask
    if signed and v & (1 << (stored - 1)):
        v -= 1 << stored
    values.append(v * slope + intercept)
print(json.dumps({"rows": rows, "columns": columns, "samples": samples, "frames": frames, "values": values}))
