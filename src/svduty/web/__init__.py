"""The Django web app: commissioning, decisions, public register."""
