step "Masking sleep and hibernation"
for target in {{targets}}; do
    if command -v systemctl >/dev/null 2>&1 && systemctl mask "$target"; then
        continue
    fi
    # systemctl missing or refusing (no systemd running): a link to /dev/null is what mask writes.
    mkdir -p /etc/systemd/system
    ln -sf /dev/null "/etc/systemd/system/$target"
    echo "masked $target (symlink to /dev/null)"
done
