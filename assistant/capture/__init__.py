"""Capture: camera, video file and image-folder sources that deliver BGR frames."""
