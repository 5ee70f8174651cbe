"""The tiny GPT: tokenizer, model, decoding, training loop and the baselines its loss is compared with."""
