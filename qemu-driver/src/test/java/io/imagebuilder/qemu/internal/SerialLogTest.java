package io.imagebuilder.qemu.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SerialLogTest {

    @TempDir
    Path dir;

    @Test
    void lastLinesWithoutControlCharacters() throws IOException {
        Path log = Files.writeString(dir.resolve("serial.log"),
                "one\r\ntwo\r\n\r\n\u001B[0;32m  OK  \u001B[0m] Started ssh\r\nlogin: ");
        assertEquals(List.of("two", "  OK  ] Started ssh", "login: "), SerialLog.tail(log, 3));
        assertEquals(4, SerialLog.tail(log, 100).size());
    }

    @Test
    void missingFileIsEmpty() {
        assertEquals(List.of(), SerialLog.tail(dir.resolve("none"), 5));
    }
}
