/**
 * The VISA provisioners (found through {@link java.util.ServiceLoader} as
 * {@link io.imagebuilder.spi.ProvisionerKind}s). Each reads its options into a typed record, uploads a small
 * payload (generated config files, local sources) to /var/tmp/imagebuilder-visa in the guest and runs one
 * generated {@code sh} script as root ({@code set -eu}, {@code DEBIAN_FRONTEND=noninteractive}, the optional
 * {@code http_proxy}/{@code https_proxy}/{@code no_proxy} exported for apt, curl/wget, git and pip).
 *
 * <pre>
 * provisioners:
 *   - type: guacd               # guacamole-server from source, /etc/guacamole/guacd.conf, service enabled
 *     source: https://downloads.apache.org/guacamole/1.5.5/source/guacamole-server-1.5.5.tar.gz
 *     bind_port: 4822           # bind_host, build_packages, configure_options, service, make_jobs
 *     http_proxy: http://proxy.example.org:3128
 *   - type: visa-pam            # pam_visa.so with cmake; /etc/visa/public.pem (600, root)
 *     source: https://code.example.org/visa/visa-pam.git
 *     git_ref: v2.1.0
 *     public_key_file: keys/visa-pam.pem   # or public_key: "-----BEGIN PUBLIC KEY-----..."
 *   - type: xrdp                # packages [xrdp, xorgxrdp] or xrdp_source/xorgxrdp_source; PAM stack
 *   - type: jupyterlab          # venv /opt/visa/jupyter/jupyterlab, pinned packages, supervisor program
 *     packages: [jupyterlab==4.2.5]
 *     wheelhouse: wheels/       # or index_url
 *   - type: owner-boot-script   # cloud-init per-instance script creating the owner (see script())
 *   - type: desktop-look
 *     background: files/visa.png
 *     welcome_message: Welcome to VISA
 *   - type: power-management    # masks sleep/suspend/hibernate/hybrid-sleep targets
 * </pre>
 */
package io.imagebuilder.provision.visa;
