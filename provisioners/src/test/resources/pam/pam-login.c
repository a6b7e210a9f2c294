/* Test harness: pam_authenticate for USER with TOKEN as the password, through the stack CONFDIR/SERVICE.
 * Prints "accepted" or "refused: <PAM error>"; exit 0 / 1 (2 for bad usage). */
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int answer(int n, const struct pam_message **msg, struct pam_response **resp, void *token) {
    struct pam_response *r = calloc((size_t) n, sizeof *r);
    if (r == NULL) {
        return PAM_BUF_ERR;
    }
    for (int i = 0; i < n; i++) {
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
            r[i].resp = strdup((const char *) token);
        }
    }
    *resp = r;
    return PAM_SUCCESS;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: pam-login CONFDIR SERVICE USER TOKEN\n");
        return 2;
    }
    struct pam_conv conv = { answer, argv[4] };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
    if (rc == PAM_SUCCESS) {
        rc = pam_authenticate(pamh, 0);
    }
    if (rc == PAM_SUCCESS) {
        printf("accepted\n");
    } else {
        printf("refused: %s\n", pam_strerror(pamh, rc));
    }
    pam_end(pamh, rc);
    return rc == PAM_SUCCESS ? 0 : 1;
}
