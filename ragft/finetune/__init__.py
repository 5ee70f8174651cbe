"""Fine-tuning: LoRA from scratch, supervised fine-tuning, domain adaptation, memory arithmetic, the shipped adapters."""
