"""Pixel operations of the OCR pipeline in NumPy, matching the OpenCV calls rapidocr makes
(`cv2.resize` INTER_LINEAR, `cv2.warpPerspective` INTER_CUBIC + BORDER_REPLICATE, `cv2.dilate`
with a 2×2 kernel), so that the models see the same input as under rapidocr.

Images are H×W×C uint8 arrays. Resizing is OpenCV 5's bilinear resize bit for bit (half-pixel
centres, no antialiasing when shrinking, 11-bit fixed-point weights, the rounding of its vector
code): Pillow's BILINEAR antialiases when shrinking and would feed the models a softer image
(and other pixel values). The crop warp is OpenCV's bicubic (a = −0.75) on exact source
positions, as OpenCV 5 computes it (tested against cv2 where it is installed).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

_COEF_BITS = 11
_COEF_SCALE = 1 << _COEF_BITS


def _linear_taps(src: int, dst: int, clamp: bool) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int32], NDArray[np.int32]]:
    """For each output index: the two source indices and their fixed-point weights. OpenCV
    moves a column that falls off the edge onto it (weight 1 on the edge pixel); rows keep their
    weights and only their indices are clamped (`clamp` False)."""
    scale = 1.0 / (dst / src)
    f = ((np.arange(dst, dtype=np.float64) + 0.5) * scale - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.intp)
    f = (f - s.astype(np.float32)).astype(np.float32)
    if clamp:
        low = s < 0
        f[low] = 0
        s[low] = 0
        high = s >= src - 1
        f[high] = 0
        s[high] = src - 1
    w0 = np.rint((np.float32(1) - f) * np.float32(_COEF_SCALE)).astype(np.int32)
    w1 = np.rint(f * np.float32(_COEF_SCALE)).astype(np.int32)
    return np.clip(s, 0, src - 1), np.clip(s + 1, 0, src - 1), w0, w1


def resize_linear(image: Image, width: int, height: int) -> Image:
    """`cv2.resize(image, (width, height))` (INTER_LINEAR) for an H×W×C uint8 image."""
    src_h, src_w = int(image.shape[0]), int(image.shape[1])
    if width <= 0 or height <= 0:
        raise ValueError(f"bad size {width}x{height}")
    if (src_w, src_h) == (width, height):
        return image.copy()
    channels = 1 if image.ndim == 2 else int(image.shape[2])
    xs, xs1, a0, a1 = _linear_taps(src_w, width, clamp=True)
    ys, ys1, b0, b1 = _linear_taps(src_h, height, clamp=False)
    # horizontal pass on the rows that are used, on rows of interleaved channels
    rows = np.unique(np.concatenate([ys, ys1]))
    part = image.reshape(src_h, src_w * channels)[rows]
    lane = np.arange(channels)
    horiz = np.take(part, (xs[:, None] * channels + lane).ravel(), axis=1).astype(np.int32)
    horiz *= np.repeat(a0, channels)
    other = np.take(part, (xs1[:, None] * channels + lane).ravel(), axis=1).astype(np.int32)
    other *= np.repeat(a1, channels)
    horiz += other
    horiz >>= 4
    # vertical pass as OpenCV's vector code: ((s0*b0)>>16) + ((s1*b1)>>16), then (+2)>>2
    value = np.take(horiz, np.searchsorted(rows, ys), axis=0)
    value *= b0[:, None]
    value >>= 16
    other = np.take(horiz, np.searchsorted(rows, ys1), axis=0)
    other *= b1[:, None]
    other >>= 16
    value += other
    value += 2
    value >>= 2
    np.clip(value, 0, 255, out=value)
    out: Image = value.astype(np.uint8).reshape((height, width, *image.shape[2:]))
    return out


def line_tensor(image: Image, height: int, width: int) -> NDArray[np.float32]:
    """A text-line crop as the direction and recognition models take it (rapidocr's
    resize_norm_img): resized to `height` keeping its aspect ratio but at most `width` wide,
    scaled to [-1, 1], channels first, right-padded with zeros to `width`."""
    h, w = int(image.shape[0]), int(image.shape[1])
    ratio = w / float(h)
    resized_w = width if math.ceil(height * ratio) > width else math.ceil(height * ratio)
    resized = resize_linear(image, resized_w, height).astype(np.float32)
    scaled = resized.transpose((2, 0, 1)) / 255
    scaled -= 0.5
    scaled /= 0.5
    padded = np.zeros((int(image.shape[2]), height, width), dtype=np.float32)
    padded[:, :, :resized_w] = scaled
    return padded


def dilate_2x2(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """`cv2.dilate(mask, np.ones((2, 2)))`: the anchor is the kernel's centre (1, 1), so each
    pixel takes the maximum of itself and its neighbours above, to the left and above-left."""
    out = mask.copy()
    out[1:, :] |= mask[:-1, :]
    out[:, 1:] |= mask[:, :-1]
    out[1:, 1:] |= mask[:-1, :-1]
    result: NDArray[np.bool_] = out
    return result


def perspective_transform(src: NDArray[np.float64], dst: NDArray[np.float64]) -> NDArray[np.float64]:
    """The 3×3 homography taking the four points `src` to `dst` (`cv2.getPerspectiveTransform`)."""
    a = np.zeros((8, 8), dtype=np.float64)
    b = np.zeros(8, dtype=np.float64)
    for i in range(4):
        x, y = float(src[i][0]), float(src[i][1])
        u, v = float(dst[i][0]), float(dst[i][1])
        a[i] = (x, y, 1, 0, 0, 0, -x * u, -y * u)
        a[i + 4] = (0, 0, 0, x, y, 1, -x * v, -y * v)
        b[i] = u
        b[i + 4] = v
    solution = np.linalg.solve(a, b)
    return np.append(solution, 1.0).reshape(3, 3)


_CUBIC_A = -0.75


def _cubic_weights(t: NDArray[np.float64]) -> NDArray[np.float64]:
    a = _CUBIC_A
    x = t + 1
    w0 = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    w1 = ((a + 2) * t - (a + 3)) * t * t + 1
    u = 1 - t
    w2 = ((a + 2) * u - (a + 3)) * u * u + 1
    w3 = 1 - w0 - w1 - w2
    return np.stack([w0, w1, w2, w3], axis=-1)


def warp_quad(image: Image, quad: NDArray[np.float64], width: int, height: int) -> Image:
    """The `quad` (top-left, top-right, bottom-right, bottom-left) of `image` straightened into a
    `width`×`height` image: `cv2.warpPerspective(..., INTER_CUBIC, BORDER_REPLICATE)` with the
    transform taking the quad's corners to the output's corners."""
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    forward = perspective_transform(quad.astype(np.float32).astype(np.float64), target)
    inverse = np.linalg.inv(forward)
    gx, gy = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    den = inverse[2, 0] * gx + inverse[2, 1] * gy + inverse[2, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(den != 0, 1.0 / den, 0.0)
    fx = (inverse[0, 0] * gx + inverse[0, 1] * gy + inverse[0, 2]) * scale
    fy = (inverse[1, 0] * gx + inverse[1, 1] * gy + inverse[1, 2]) * scale
    # OpenCV takes the source positions as float32 (as a remap with float maps would)
    fx = np.clip(fx, -1e9, 1e9).astype(np.float32).astype(np.float64)
    fy = np.clip(fy, -1e9, 1e9).astype(np.float32).astype(np.float64)
    x0, y0 = np.floor(fx), np.floor(fy)
    ix, iy = x0.astype(np.int64), y0.astype(np.int64)
    wx = _cubic_weights(fx - x0)
    wy = _cubic_weights(fy - y0)
    src_h, src_w = int(image.shape[0]), int(image.shape[1])
    channels = int(image.shape[2])
    rows = [np.clip(iy + (j - 1), 0, src_h - 1) for j in range(4)]     # edges replicated
    cols = [np.clip(ix + (i - 1), 0, src_w - 1) for i in range(4)]
    # only the part of the image the taps reach, one channel at a time (uint8 gathers are cheap)
    top, bottom = int(rows[0].min()), int(rows[3].max())
    left, right = int(cols[0].min()), int(cols[3].max())
    part_w = right - left + 1
    index = [[(rows[j] - top) * part_w + (cols[i] - left) for i in range(4)] for j in range(4)]
    wx32 = wx.astype(np.float32)
    wy32 = wy.astype(np.float32)
    out = np.zeros((channels, height, width), dtype=np.float32)
    for c in range(channels):
        plane = np.ascontiguousarray(image[top:bottom + 1, left:right + 1, c]).ravel()
        for j in range(4):
            acc = plane[index[j][0]] * wx32[..., 0]
            for i in range(1, 4):
                acc += plane[index[j][i]] * wx32[..., i]
            acc *= wy32[..., j]
            out[c] += acc
    result: Image = np.ascontiguousarray(np.clip(np.rint(out), 0, 255).astype(np.uint8).transpose(1, 2, 0))
    return result


def crop_size(quad: NDArray[np.float32]) -> tuple[int, int]:
    """rapidocr's crop size for a quad: the longer of each pair of opposite sides, truncated."""
    q = quad.astype(np.float32)
    width = int(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3])))
    height = int(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
    return width, height
