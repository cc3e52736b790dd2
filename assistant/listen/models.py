"""The recogniser's model files as the manifest names them: written by `assistant.build.whisper`, read by
`assistant.listen.recogniser`, listed by `check`. Kept apart from both so the runtime never imports the build."""

from __future__ import annotations

FOLDER = "whisper-base"  # CTranslate2 loads a folder: the model, its config and its vocabulary
WHISPER = "whisper-base"  # the weights (model.bin), float16
CONFIG = "whisper-base-config"
TOKENIZER = "whisper-base-tokenizer"
VOCABULARY = "whisper-base-vocabulary"
VAD = "silero-vad"
# manifest name -> file, relative to the models folder
FILES = {
    WHISPER: f"{FOLDER}/model.bin",
    CONFIG: f"{FOLDER}/config.json",
    TOKENIZER: f"{FOLDER}/tokenizer.json",
    VOCABULARY: f"{FOLDER}/vocabulary.txt",
    VAD: "silero-vad-v6.onnx",
}
NAMES = tuple(FILES)
