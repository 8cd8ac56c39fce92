"""Reading pages that have no text layer (scans, photos) with rapidocr + onnxruntime, offline.

`engine.ocr_image` is the public entry point (one image in, lines with boxes and confidences out);
`models` verifies the shipped model files and never lets anything be downloaded; `cache` keeps
results by page-image hash; `pages` turns an OCR result into a page's text with per-character boxes.
"""
