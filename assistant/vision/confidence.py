"""How sure the classifier is allowed to sound: a temperature for its softmax and two thresholds on the
calibrated score of a spoken name (scores of classes with the same spoken name add up).

Fit by `assistant bench calibration` on the ImageNet dev photos only, each also seen as six harder views
(three crops, a low-resolution copy, a darker copy, a blurred copy) so that the figures are not those of
photos the model may have been trained on: the temperature minimises the negative log-likelihood; "said
plainly" is the lowest score at which 98% of the names said were right, "probably" the lowest at which 87%
of the names between it and "plainly" were. Measured over all views (int8 classifier): plainly 98.3%
right, probably 88.0%, something said for 64%; before (raw softmax, 0.7 and 0.3): 97.9%, 71.0% and 86%.
"""

from __future__ import annotations

TEMPERATURE = 0.7  # logits are divided by this before the softmax
SURE = 0.91  # at or above: said plainly ("A cup.")
PROBABLY = 0.85  # at or above, below SURE: "Probably a cup."; below: not said
