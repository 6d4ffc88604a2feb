"""The accessibility statement (tilgjengelighetserklæring) and reports of barriers."""
