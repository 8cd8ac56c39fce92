"""Rules beyond word lists, one module per category. `all_rules()` lists them in run order."""
