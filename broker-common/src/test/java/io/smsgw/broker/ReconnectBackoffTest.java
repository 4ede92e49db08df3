package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The waits between an outgoing link's connect attempts: reconnect-min, doubling up to reconnect-max, reset. */
class ReconnectBackoffTest {

   @Test
   void doublesFromTheMinimumUpToTheMaximumAndStartsAgainAfterReset() {
      ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
      assertEquals(100, backoff.next());
      assertEquals(200, backoff.next());
      assertEquals(400, backoff.next());
      assertEquals(500, backoff.next());
      assertEquals(500, backoff.next());
      backoff.reset();
      assertEquals(100, backoff.next());
   }

   @Test
   void aMinimumBelowOneMillisecondStillGrows() {
      ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofNanos(500_000), Duration.ofMillis(4));
      assertEquals(0, backoff.next());
      assertEquals(1, backoff.next());
      assertEquals(2, backoff.next());
   }
}
