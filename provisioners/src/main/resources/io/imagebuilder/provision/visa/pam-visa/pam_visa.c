/*
 * pam_visa.so: accepts the login tokens VISA signs for an instance's owner (imagebuilder's implementation of
 * the ILL visa-pam contract).
 *
 *   token     = "<user>,<epoch seconds>;<base64 of SHA256withRSA(PKCS#1 v1.5) over "<user>,<epoch seconds>">"
 *   arguments = <public key PEM path> <max age in seconds>
 *
 * A valid token gives PAM_SUCCESS; anything else PAM_IGNORE, so the stack decides (ILL's stack:
 * "auth [success=2 default=ignore] pam_visa.so ..." then pam_deny). Unlike ILL's module the user must match
 * exactly (not as a prefix), and a timestamp further in the future than the max age is refused.
 */
#define PAM_SM_AUTH
#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define MAX_TOKEN 1024

/* Standard, padded base64 only (no URL-safe alphabet, no missing padding); returns the length or -1. */
static int decode_base64(const char *in, unsigned char *out, size_t out_size) {
    size_t len = strlen(in);
    if (len == 0 || len % 4 != 0 || len / 4 * 3 > out_size) {
        return -1;
    }
    size_t pad = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == '=') {
            if (i < len - 2) {
                return -1;
            }
            pad++;
        } else if (pad > 0 || !(isalnum((unsigned char) c) || c == '+' || c == '/')) {
            return -1;
        }
    }
    int n = EVP_DecodeBlock(out, (const unsigned char *) in, (int) len);
    return n < 0 ? -1 : n - (int) pad;
}

static int verify_signature(pam_handle_t *pamh, const char *key_path, const char *payload,
                            const unsigned char *sig, size_t sig_len) {
    FILE *f = fopen(key_path, "r");
    if (f == NULL) {
        pam_syslog(pamh, LOG_ERR, "cannot read the public key %s", key_path);
        return 0;
    }
    EVP_PKEY *key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (key == NULL) {
        pam_syslog(pamh, LOG_ERR, "%s is not a PEM public key (BEGIN PUBLIC KEY)", key_path);
        return 0;
    }
    int ok = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1) {
        ok = EVP_DigestVerify(md, sig, sig_len, (const unsigned char *) payload, strlen(payload)) == 1;
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return ok;
}

/* Checks the token; on refusal *why says why (for the log, never the token itself). */
static int token_valid(pam_handle_t *pamh, const char *user, const char *token, const char *key_path,
                       long max_age, const char **why) {
    char copy[MAX_TOKEN];
    unsigned char sig[MAX_TOKEN];
    if (strlen(token) >= sizeof copy) {
        *why = "token too long";
        return 0;
    }
    strcpy(copy, token);
    char *semi = strchr(copy, ';');
    if (semi == NULL || strchr(semi + 1, ';') != NULL) {
        *why = "not <user>,<time>;<signature>";
        return 0;
    }
    *semi = '\0';
    const char *sig64 = semi + 1;
    char *comma = strchr(copy, ',');
    if (comma == NULL || strchr(comma + 1, ',') != NULL || comma == copy) {
        *why = "not <user>,<time>;<signature>";
        return 0;
    }
    *comma = '\0';
    if (strcmp(copy, user) != 0) {
        *why = "token for another user";
        return 0;
    }
    const char *digits = comma + 1;
    if (*digits == '\0' || strlen(digits) > 18 || strspn(digits, "0123456789") != strlen(digits)) {
        *why = "time is not a number of seconds";
        return 0;
    }
    long long issued = atoll(digits);
    long long now = (long long) time(NULL);
    if (now - issued > max_age) {
        *why = "token expired";
        return 0;
    }
    if (issued - now > max_age) {
        *why = "token issued in the future";
        return 0;
    }
    int sig_len = decode_base64(sig64, sig, sizeof sig);
    if (sig_len <= 0) {
        *why = "signature is not standard base64";
        return 0;
    }
    *comma = ',';
    if (!verify_signature(pamh, key_path, copy, sig, (size_t) sig_len)) {
        *why = "bad signature";
        return 0;
    }
    return 1;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void) flags;
    if (argc != 2) {
        pam_syslog(pamh, LOG_ERR, "usage: pam_visa.so PUBLIC_KEY_PEM MAX_AGE_SECONDS");
        return PAM_IGNORE;
    }
    char *end;
    long max_age = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || max_age <= 0) {
        pam_syslog(pamh, LOG_ERR, "max age '%s' is not a positive number of seconds", argv[1]);
        return PAM_IGNORE;
    }
    const char *user = NULL;
    const char *token = NULL;
    if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL || *user == '\0') {
        return PAM_IGNORE;
    }
    if (pam_get_authtok(pamh, PAM_AUTHTOK, &token, NULL) != PAM_SUCCESS || token == NULL) {
        return PAM_IGNORE;
    }
    const char *why = "";
    if (!token_valid(pamh, user, token, argv[0], max_age, &why)) {
        pam_syslog(pamh, LOG_NOTICE, "VISA token refused for %s: %s", user, why);
        return PAM_IGNORE;
    }
    pam_syslog(pamh, LOG_INFO, "VISA token accepted for %s", user);
    return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void) pamh;
    (void) flags;
    (void) argc;
    (void) argv;
    return PAM_SUCCESS;
}
