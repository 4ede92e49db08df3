package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.broker.MalformedPduLog;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An ESME that keeps its connection and sends malformed PDUs at full speed gets each one answered, and the log shows
 * the first and then a count, not a line per PDU (nor, as before, nothing at the default level).
 */
class SmppMalformedPduLogTest {

   private static final int MALFORMED = 50;

   @Test
   void aStreamOfMalformedSubmitsLeavesTheFirstAndACountInTheLog(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         String address;
         try (RawSmppClient client = new RawSmppClient(broker.port())) {
            client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
            address = client.localAddress().toString();
            for (int i = 0; i < MALFORMED; i++) {
               // submit_sm whose body stops inside source_addr (no NUL terminator)
               client.sendBytes(SmppAcceptorTest.hex("000000150000000400000000" + String.format("%08x", 100 + i) + "0001013836"));
               SmppPdu answer = client.read();
               assertEquals(SmppStatus.ESME_RINVCMDLEN, answer.commandStatus(), "each one is still answered");
            }
            assertEquals(1, log.count("alformed", address), () -> "one line for the first: " + log.lines(address));
            assertEquals(1, log.count("Malformed submit_sm from 'smppclient1' (" + address + ")", "counted"), () -> log.lines(address).toString());
         }
         Wait.until("the count once the connection closed", Duration.ofSeconds(10),
                    () -> log.count((MALFORMED - 1) + " more malformed PDU(s) from 'smppclient1' (" + address + ")",
                                    "until the connection closed", "submit_sm") == 1);
         assertEquals(2, log.count("alformed", address), () -> log.lines(address).toString());
      }
   }

   /** Between the first line and the close, at most one count per interval, and only when something was counted. */
   @Test
   void aCountIsWrittenAtMostOncePerInterval() {
      AtomicLong now = new AtomicLong();
      String peer = "'sp' (/192.0.2.1:4000)";
      try (LogCapture log = LogCapture.start()) {
         MalformedPduLog malformed = new MalformedPduLog(LoggerFactory.getLogger("io.smsgw.test.malformed"), () -> peer, now::get,
                                                         TimeUnit.SECONDS.toNanos(60));
         assertTrue(malformed.malformed("submit_sm", "first"), "the first is written");
         for (int i = 0; i < 1000; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10)); // 10 s in all
            assertFalse(malformed.malformed("submit_sm", "again " + i));
         }
         now.addAndGet(TimeUnit.SECONDS.toNanos(50)); // 60 s after the first line
         assertTrue(malformed.malformed("query_sm", "the latest"));
         assertEquals(1, log.count("1001 more malformed PDU(s) from " + peer, "the latest: query_sm: the latest"), () -> log.lines(peer).toString());
         now.addAndGet(TimeUnit.SECONDS.toNanos(600));
         malformed.closed();
         assertEquals(2, log.count(peer), "nothing counted since: nothing more at the close");
         assertTrue(malformed.malformed("submit_sm", "after a quiet while"), "the interval has passed: written at once");
         assertEquals(1, log.count("- 1 more malformed PDU(s) from " + peer), () -> log.lines(peer).toString());
      }
   }
}
