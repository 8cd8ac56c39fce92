"""Patrol of folders and saved website mirrors (读网 / 巡查, issue 13): see app.patrol.model."""
