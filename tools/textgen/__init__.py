"""The DP text generator: a pretrained causal LM fine-tuned with DP-SGD (opacus, LoRA) and sampled.

Modules: :mod:`base_model` (offline model loading and its safetensors cache), :mod:`corpus` (training
sequences and prompts), :mod:`dp_sgd` (declared event, noise calibration, Poisson sampling), :mod:`trainer`
(the DP-SGD / non-private fine-tuning loop), :mod:`sampling` (decoding) and :mod:`generator` (the registered
``dp_text_lm`` generator). Heavy libraries (transformers, peft, opacus) load only when a model is trained.
"""
