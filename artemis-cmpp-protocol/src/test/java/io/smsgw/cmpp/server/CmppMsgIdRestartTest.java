package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.GatewayRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway restarted on its data with the clock set back 30 s answers SUBMITs with Msg_Ids after those it issued
 * before the restart, never one of them: the high-water mark beside the journal outlives the process. The ids' time
 * fields are the gateway's clock in {@code cmppTimeZone} (Beijing time here, on a host in any zone). Before, the
 * generator read the system clock in the JVM's zone, not the gateway's clock, and kept its state in memory only.
 */
class CmppMsgIdRestartTest {

   private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
   private static final String PARAMS = ";cmppTimeZone=Asia/Shanghai;cmppConnectTimeSkew=0";

   @TempDir
   Path dir;

   /** A clock the test sets. */
   private static final class SetClock extends Clock {
      private final Instant now;

      SetClock(Instant now) {
         this.now = now;
      }

      @Override
      public ZoneId getZone() {
         return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
         return this;
      }

      @Override
      public Instant instant() {
         return now;
      }
   }

   private static long submit(TestBroker broker, Instant now) throws Exception {
      GatewayRuntime.of(broker.server()).clock().clock(new SetClock(now));
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 0, "hi".getBytes(), "13800138000"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, resp.result());
         return resp.msgId();
      }
   }

   @Test
   void aRestartWithTheClockSetBackIssuesMsgIdsAfterThoseBeforeIt() throws Exception {
      // a day ahead of the real clock, so that it is the gateway's clock, not the host's, that the ids follow
      Instant t = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
      LocalDateTime beijing = LocalDateTime.ofInstant(t, BEIJING);
      long before;
      try (TestBroker broker = TestBroker.cmpp(dir, PARAMS).start()) {
         before = submit(broker, t);
      }
      CmppMsgId issued = CmppMsgId.decode(before);
      assertEquals(new CmppMsgId(beijing.getMonthValue(), beijing.getDayOfMonth(), beijing.getHour(), beijing.getMinute(),
                                 beijing.getSecond(), issued.gatewayCode(), issued.sequence()), issued,
                   "the Msg_Id's time is the gateway's clock in Beijing time");
      assertTrue(Files.isRegularFile(dir.resolve("sms-ids").resolve("msg-id.mark")),
                 "the mark lies beside the journal");

      try (TestBroker broker = TestBroker.cmpp(dir, PARAMS).start()) {
         long after = submit(broker, t.minusSeconds(30));
         assertTrue(Long.compareUnsigned(after, before) > 0,
                    () -> "after the restart " + CmppMsgId.decode(after) + ", before it " + CmppMsgId.decode(before));
      }
   }
}
