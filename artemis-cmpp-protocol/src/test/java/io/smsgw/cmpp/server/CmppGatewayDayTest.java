package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Query;
import io.smsgw.cmpp.codec.QueryResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.runtime.GatewayRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's day is the CMPP acceptors' day: with {@code cmppTimeZone=Asia/Shanghai} on a host whose JVM runs in
 * another zone (UTC), a submit made at 07:30 Beijing time counts under that Beijing day for QUERY, and the daily quota
 * renews at Beijing midnight (16:00 UTC), not at the JVM's. Before, both followed the JVM's zone: QUERY for today
 * missed the submits made between 00:00 and 08:00 Beijing time, and the quota renewed at 08:00 Beijing time.
 */
class CmppGatewayDayTest {

   private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
   private static final String PARAMS = ";cmppTimeZone=Asia/Shanghai;cmppConnectTimeSkew=0";

   @TempDir
   Path dir;

   /** A clock the test moves. */
   private static final class MovableClock extends Clock {
      volatile Instant now;

      MovableClock(String instant) {
         now = Instant.parse(instant);
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

   /** The JVM's zone must put the instant on another day than Beijing does (it does in UTC, the test hosts' zone). */
   private static void assumeJvmDayDiffers(Instant instant) {
      assumeTrue(!instant.atZone(ZoneId.systemDefault()).toLocalDate().equals(instant.atZone(BEIJING).toLocalDate()),
                 "the JVM's zone " + ZoneId.systemDefault() + " has the same day as Beijing at " + instant);
   }

   private static int submit(RawCmppClient client, String spId, String srcId, String to) throws Exception {
      client.send(RawCmppClient.submit(client.nextSequence(), spId, srcId, "TEST", 0, "hi".getBytes(), to));
      return assertInstanceOf(SubmitResp.class, client.read()).result();
   }

   private static QueryResp query(RawCmppClient client, String day) throws Exception {
      client.send(new Query(client.nextSequence(), day, Query.TYPE_TOTAL, "", ""));
      return assertInstanceOf(QueryResp.class, client.read());
   }

   @Test
   void aSubmitAt0730BeijingTimeCountsUnderThatBeijingDayForQuery() throws Exception {
      MovableClock clock = new MovableClock("2026-11-27T23:30:00Z");
      assumeJvmDayDiffers(clock.now);
      try (TestBroker broker = TestBroker.cmpp(dir, PARAMS).start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         GatewayRuntime.of(broker.server()).clock().clock(clock);
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         assertEquals(CmppResult.OK, submit(client, "901234", "1065712345", "13800138000"));
         assertEquals(LocalDate.of(2026, 11, 28), clock.now.atZone(BEIJING).toLocalDate());
         assertEquals(1, query(client, "20261128").mtTlMsg(), "the submit counts on the Beijing day it was made");
         assertEquals(0, query(client, "20261127").mtTlMsg(), "not on the JVM's (UTC) day");
      }
   }

   @Test
   void theDailyQuotaRenewsAtBeijingMidnight() throws Exception {
      MovableClock clock = new MovableClock("2026-11-28T15:59:00Z"); // 23:59 in Beijing
      assumeJvmDayDiffers(Instant.parse("2026-11-28T16:00:00Z"));
      try (TestBroker broker = TestBroker.cmpp(dir, PARAMS).start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         GatewayRuntime.of(broker.server()).clock().clock(clock);
         assertEquals(CmppResult.CONNECT_OK, client.connect("901236", "secret6", 0x30).status());
         assertEquals(CmppResult.OK, submit(client, "901236", "1065766", "13800138001"));
         assertEquals(CmppResult.OK, submit(client, "901236", "1065766", "13800138002"));
         assertEquals(CmppSubmitHandler.RESULT_DAILY_QUOTA_EXHAUSTED, submit(client, "901236", "1065766", "13800138003"),
                      "a daily quota of 2 used up");
         clock.now = Instant.parse("2026-11-28T16:00:00Z"); // Beijing midnight: 2026-11-29 00:00
         assertEquals(CmppResult.OK, submit(client, "901236", "1065766", "13800138004"), "a new Beijing day, a new quota");
      }
   }
}
