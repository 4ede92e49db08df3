package io.smsgw.cmpp.fwd;

import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.broker.GatewayMeters;

/**
 * The meters of a FWD link to a peer gateway (tag {@code peer}: its gateway code), read from what the link keeps for
 * its management bean ({@link FwdLinkControl}); docs/metrics.md lists them.
 */
final class FwdLinkMeters {

   private FwdLinkMeters() {
   }

   static void register(GatewayMeters meters, FwdLink link) {
      String peer = link.config().code();
      meters.gauge("fwd.connected", "1 while the FWD link is connected to the peer", link,
                   l -> l.state() == FwdLink.State.CONNECTED ? 1 : 0, "peer", peer)
         .gauge("fwd.in.flight", "FWDs sent and not yet answered", link, FwdLink::inFlight, "peer", peer);
      count(meters, "fwd.forwarded", "FWDs sent to the peer", link.forwarded, peer);
      count(meters, "fwd.responses", "FWD_RESP by outcome", link.acknowledged, peer, "outcome", "ok");
      count(meters, "fwd.responses", "FWD_RESP by outcome", link.refused, peer, "outcome", "refused");
      count(meters, "fwd.resent", "FWDs sent again", link.resent, peer);
      // Report FWDs from this peer that this gateway refused (no record that the MT went to it) or took as repeats.
      meters.counter("fwd.reports", "report FWDs from the peer refused or taken as repeats", link,
                     l -> l.forwards() == null ? 0 : l.forwards().reportsRefused(peer), "peer", peer, "outcome", "refused")
         .counter("fwd.reports", "report FWDs from the peer refused or taken as repeats", link,
                  l -> l.forwards() == null ? 0 : l.forwards().reportsRepeated(peer), "peer", peer, "outcome", "repeated");
   }

   private static void count(GatewayMeters meters, String name, String description, AtomicLong counter, String peer,
                             String... more) {
      String[] tags = new String[2 + more.length];
      tags[0] = "peer";
      tags[1] = peer;
      System.arraycopy(more, 0, tags, 2, more.length);
      meters.counter(name, description, counter, AtomicLong::get, tags);
   }
}
