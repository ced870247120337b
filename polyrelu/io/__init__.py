"""Files in and out: strict versioned JSON (:mod:`.formats`), outputs checked before the
work and written all-or-nothing (:mod:`.outputs`), region graphs (:mod:`.graphs`),
affine-function lists (:mod:`.functions`) and training CSV (:mod:`.dataset`)."""
