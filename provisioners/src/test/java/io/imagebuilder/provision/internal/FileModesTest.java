package io.imagebuilder.provision.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FileModesTest {

    @Test
    void modesAsOctal() {
        assertEquals("0750", FileModes.octal(PosixFilePermissions.fromString("rwxr-x---")));
        assertEquals("0604", FileModes.octal(PosixFilePermissions.fromString("rw----r--")));
    }
}
