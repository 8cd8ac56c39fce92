"""Reading pages that have no text layer (scans, photos) offline: rapidocr's PP-OCR models run with
onnxruntime by our own NumPy pipeline (`pipeline`; no OpenCV, no rapidocr code).

`engine.ocr_image` is the public entry point (one image in, lines with boxes and confidences out);
`models` verifies the shipped model files and never lets anything be downloaded; `cache` keeps
results by page-image hash; `pages` turns an OCR result into a page's text with per-character boxes.
"""
