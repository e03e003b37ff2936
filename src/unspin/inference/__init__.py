"""Inference plumbing: tokenization, windows, onnxruntime sessions. Imports nothing else of unspin."""
