"""Text recognition (PP-OCRv6 small, CTC), as rapidocr 3.10.0 runs it: crops in order of aspect
ratio, six at a time, each resized to height 48 and right-padded to the widest of its batch
(at least 320), scaled to [-1, 1]; greedy CTC decoding (repeats merged, blanks dropped) with the
character list stored in the model's metadata (nothing is read or fetched from elsewhere); the
line's confidence is the mean of its characters'. Each line also records the output column of
every character, from which `app.ocr.charboxes` places the characters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.ocr.models import OcrError
from app.ocr.raster import Image, line_tensor
from app.ocr.session import Session

SHAPE = (3, 48, 320)
BATCH = 6


@dataclass(frozen=True, slots=True)
class Words:
    """rapidocr's WordInfo: the line's words (runs of Chinese, or of other characters, split at
    spaces and gaps), the output column of each character, the line's length in columns."""

    words: tuple[tuple[str, ...], ...] = ()
    cols: tuple[tuple[int, ...], ...] = ()
    chinese: tuple[bool, ...] = ()
    line_len: float = 0.0
    confs: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Recognised:
    text: str
    score: float
    words: Words


def characters(session: Session) -> list[str]:
    """The decoder's alphabet: blank, the model's characters, space."""
    listed = session.metadata("character")
    if not listed:
        raise OcrError("文字识别模型缺少字符表，无法识别。请重新安装本软件。", code="ocr_model_altered")
    return ["blank", *listed.splitlines(), " "]


def recognise(session: Session, alphabet: list[str], crops: list[Image]) -> list[Recognised]:
    results: list[Recognised] = [Recognised("", 0.0, Words())] * len(crops)
    ratios = np.array([c.shape[1] / float(c.shape[0]) for c in crops])
    order = np.argsort(ratios)
    _, height, width = SHAPE
    for begin in range(0, len(crops), BATCH):
        chunk = [int(i) for i in order[begin:begin + BATCH]]
        max_ratio = width / height
        chunk_ratios: list[float] = []
        for i in chunk:
            h, w = crops[i].shape[0:2]
            ratio = w * 1.0 / h
            max_ratio = max(max_ratio, ratio)
            chunk_ratios.append(ratio)
        batch = np.concatenate([_normalize(crops[i], max_ratio)[np.newaxis, :] for i in chunk]).astype(np.float32)
        preds = session.run(batch)
        for row, index in enumerate(chunk):
            results[index] = decode(preds[row], alphabet, chunk_ratios[row], max_ratio)
    return results


def _normalize(image: Image, max_ratio: float) -> NDArray[np.float32]:
    _channels, height, _ = SHAPE
    return line_tensor(image, height, int(height * max_ratio))


def decode(pred: NDArray[np.float32], alphabet: list[str], ratio: float, max_ratio: float) -> Recognised:
    """Greedy CTC decoding of one line's output (T × classes)."""
    index = pred.argmax(axis=1)
    prob = pred.max(axis=1)
    selection = np.ones(len(index), dtype=bool)
    selection[1:] = index[1:] != index[:-1]
    selection &= index != 0
    confs = [round(c, 5) for c in np.array(prob[selection]).tolist()]
    text = "".join(alphabet[int(i)] for i in index[selection])
    score = float(np.mean(confs or [0]).round(5))
    words = _words(text, selection)
    words = Words(words.words, words.cols, words.chinese, len(index) * ratio / max_ratio, tuple(confs or [0]))
    return Recognised(text, score, words)


def is_chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _words(text: str, selection: NDArray[np.bool_]) -> Words:
    """rapidocr's `get_word_info` (from PaddleOCR)."""
    valid = np.where(selection)[0]
    if len(valid) <= 0:
        return Words()
    col_width = np.zeros(valid.shape)
    col_width[1:] = valid[1:] - valid[:-1]
    col_width[0] = min(3 if is_chinese(text[0]) else 2, int(valid[0]))
    words: list[tuple[str, ...]] = []
    cols: list[tuple[int, ...]] = []
    kinds: list[bool] = []
    content: list[str] = []
    content_cols: list[int] = []
    state: bool | None = None
    for i, ch in enumerate(text):
        if ch.isspace():
            if content:
                words.append(tuple(content))
                cols.append(tuple(content_cols))
                kinds.append(bool(state))
                content, content_cols = [], []
            continue
        kind = is_chinese(ch)
        if state is None:
            state = kind
        if state != kind or col_width[i] > 5:
            if content:
                words.append(tuple(content))
                cols.append(tuple(content_cols))
                kinds.append(bool(state))
                content, content_cols = [], []
            state = kind
        content.append(ch)
        content_cols.append(int(valid[i]))
    if content:
        words.append(tuple(content))
        cols.append(tuple(content_cols))
        kinds.append(bool(state))
    return Words(tuple(words), tuple(cols), tuple(kinds))
