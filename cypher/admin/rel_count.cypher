// Number of relationships in the database.
MATCH ()-[r]->()
RETURN count(r) AS n
