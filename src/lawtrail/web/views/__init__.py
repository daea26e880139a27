"""Pages. Each view: authenticate, ask access.policy what the user may see, call an action to
change anything, render. No business rule lives here."""
