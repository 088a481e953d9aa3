"""Tables with free-text columns: the conditioning label, the budget split and the row-text consistency."""
