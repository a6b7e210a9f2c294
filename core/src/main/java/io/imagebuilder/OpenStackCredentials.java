package io.imagebuilder;

import io.imagebuilder.template.Secret;

import java.util.Optional;

/**
 * Keystone v3 credentials, as an openrc's {@code OS_*} variables or a {@code clouds.yaml} entry give them.
 * Either a password (with user and project) or an application credential.
 */
public record OpenStackCredentials(String authUrl, Optional<String> username, Optional<Secret> password,
                                   Optional<String> projectName, String userDomainName, String projectDomainName,
                                   Optional<String> regionName, String interfaceName,
                                   Optional<String> applicationCredentialId,
                                   Optional<Secret> applicationCredentialSecret) {

    @Override
    public String toString() {
        return "OpenStackCredentials[authUrl=" + authUrl + ", user=" + username.orElse("-") + ", project="
                + projectName.orElse("-") + ", region=" + regionName.orElse("-") + "]";
    }
}
