// The provenance record of one load (written in the load's own transaction).
MERGE (s:Source {id: $id})
SET s.name = $source, s.release = $release, s.files = $files, s.sha256 = $sha,
    s.licence = $licence, s.loaded_at = datetime($now), s.seconds = $seconds,
    s.status = 'complete', s.counts = $counts, s.added = $added, s.issues = $issues,
    s.genekg_version = $version, s.id_maps = $maps, s.release_diff = $diff
