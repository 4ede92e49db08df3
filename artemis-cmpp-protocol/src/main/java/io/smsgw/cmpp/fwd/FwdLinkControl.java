package io.smsgw.cmpp.fwd;

import java.util.Locale;

/** Reads a FWD link's state and counters for management; holds no state of its own. */
public final class FwdLinkControl implements FwdLinkControlMBean {

   private final FwdLink link;
   /** The broker's peers, counting what the peer sends to this gateway; null in tests of the link alone. */
   private final FwdPeers peers;

   FwdLinkControl(FwdLink link) {
      this(link, null);
   }

   FwdLinkControl(FwdLink link, FwdPeers peers) {
      this.link = link;
      this.peers = peers;
   }

   /** The link it reads (tests). */
   FwdLink link() {
      return link;
   }

   @Override
   public String getPeerCode() {
      return link.config().code();
   }

   @Override
   public String getPeer() {
      return link.config().host() + ":" + link.config().port();
   }

   @Override
   public String getState() {
      return link.state().name().toLowerCase(Locale.ROOT);
   }

   @Override
   public String getQueueName() {
      return link.queueName();
   }

   @Override
   public long getQueueDepth() {
      return link.queueDepth();
   }

   @Override
   public int getWindowSize() {
      return link.config().window();
   }

   @Override
   public int getInFlight() {
      return link.inFlight();
   }

   @Override
   public long getForwarded() {
      return link.forwarded.get();
   }

   @Override
   public long getAcknowledged() {
      return link.acknowledged.get();
   }

   @Override
   public long getRefused() {
      return link.refused.get();
   }

   @Override
   public long getReportsRefused() {
      return link.forwards() == null ? 0 : link.forwards().reportsRefused(link.config().code());
   }

   @Override
   public long getReportsRepeated() {
      return link.forwards() == null ? 0 : link.forwards().reportsRepeated(link.config().code());
   }

   @Override
   public long getReportsMadeHere() {
      return link.forwards() == null ? 0 : link.forwards().reportsMadeHere(link.config().code());
   }

   @Override
   public long getFwdsRefused() {
      return peers == null ? 0 : peers.fwdsRefused(link.config().code());
   }

   @Override
   public long getResent() {
      return link.resent.get();
   }

   @Override
   public long getConsumerReopened() {
      return link.consumerReopened.get();
   }

   @Override
   public String getLastError() {
      return link.lastError();
   }

   @Override
   public void reconnect() {
      link.reconnect();
   }
}
