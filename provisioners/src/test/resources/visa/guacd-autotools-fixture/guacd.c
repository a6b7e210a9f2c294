/* TEST FIXTURE for the guacd provisioner's source build (autotools), not guacd: prints its version like the
 * real one (-v), else idles in the foreground (-f) as a daemon would. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            printf("Guacamole proxy daemon (guacd) version %s\n", PACKAGE_VERSION);
            return 0;
        }
    }
    for (;;) {
        pause();
    }
}
