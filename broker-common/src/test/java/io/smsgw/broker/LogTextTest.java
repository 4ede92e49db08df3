package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What a peer's string looks like in a log line: one line, and short. */
class LogTextTest {

   @Test
   void aPlainStringIsTheSameString() {
      String id = "smppclient1";
      assertSame(id, LogText.safe(id), "nothing allocated in the common case");
   }

   @Test
   void controlCharactersAreWrittenOut() {
      assertEquals("a\\r\\nBound\\t\\u0000\\u007f\\u2028", LogText.safe("a\r\nBound\t\u0000\u007f\u2028"));
      assertEquals("null", LogText.safe(null));
   }

   @Test
   void aLongStringIsCutAndItsLengthSaid() {
      assertEquals("x".repeat(LogText.MAX_LENGTH) + "...(60116 chars)", LogText.safe("x".repeat(60_116)));
      assertEquals("ab\\n...(5 chars)", LogText.safe("ab\ncd", 3));
   }
}
