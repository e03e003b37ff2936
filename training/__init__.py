"""Training recipes: the only code that imports torch. Each recipe is one seeded command."""
