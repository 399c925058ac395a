
set edit:completion:arg-completer[dsbx] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) DSBX_COMPLETE="elvish" dsbx -- $@words) | to-lines
}

