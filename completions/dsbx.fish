complete --keep-order --exclusive --command dsbx --arguments "(DSBX_COMPLETE=fish dsbx -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
