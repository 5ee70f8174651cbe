"""Choosing: the decision matrix and the head-to-head of prompting, RAG, LoRA and LoRA + RAG."""
