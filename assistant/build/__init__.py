"""Build-time code: model conversion, quantization, calibration and the demo clip.

Imported only by `assistant models build`, the benchmarks and the tests, never by the runtime (the
classifier, the OCR reader and the live loop do not load `onnx`; a test checks `sys.modules`).
"""
