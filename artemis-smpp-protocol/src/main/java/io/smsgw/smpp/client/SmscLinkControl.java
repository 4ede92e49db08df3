package io.smsgw.smpp.client;

import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.SmsAddresses;

/** Reads a link's state and counters for management, and asks it to reconnect; holds no state of its own. */
public final class SmscLinkControl implements SmscLinkControlMBean {

   private final SmscLink link;

   SmscLinkControl(SmscLink link) {
      this.link = link;
   }

   /** The link it reads (tests). */
   SmscLink link() {
      return link;
   }

   @Override
   public String getLinkId() {
      return link.config().id();
   }

   @Override
   public String getState() {
      return link.state().name();
   }

   @Override
   public String getBindMode() {
      return link.config().bindMode() == SmscLinkConfig.BindMode.TRANSCEIVER ? "transceiver" : "transmitter-receiver";
   }

   @Override
   public String getTransmitterState() {
      return link.transmitterState().name();
   }

   @Override
   public String getReceiverState() {
      return link.receiverState().name();
   }

   @Override
   public String getLastError() {
      return link.lastError();
   }

   @Override
   public String getDownSince() {
      return link.downSince();
   }

   @Override
   public String getBoundSince() {
      return link.boundSince();
   }

   @Override
   public String getSmsc() {
      return link.config().host() + ":" + link.config().port();
   }

   @Override
   public String getSmscInterfaceVersion() {
      return link.smscInterfaceVersion();
   }

   @Override
   public String getQueueName() {
      return SmsAddresses.smscLinkQueue(link.config().id());
   }

   @Override
   public int getWindowSize() {
      return link.config().window();
   }

   @Override
   public int getWindowInUse() {
      return link.inFlightMessages();
   }

   @Override
   public long getSubmitted() {
      return link.submitted.get();
   }

   @Override
   public long getAccepted() {
      return link.accepted.get();
   }

   @Override
   public long getThrottled() {
      return link.throttled.get();
   }

   @Override
   public long getRefused() {
      return link.refused.get();
   }

   @Override
   public long getReceiptsMatched() {
      return link.receiptsMatched.get();
   }

   @Override
   public long getReceiptsUnmatched() {
      return link.receiptsUnmatched.get();
   }

   @Override
   public long getReceiptsRematched() {
      return link.receiptsRematched.get();
   }

   @Override
   public long getParkedReceiptsExhausted() {
      return link.parkedReceiptsExhausted.get();
   }

   @Override
   public long getExpiredThrottled() {
      return link.expiredThrottled.get();
   }

   @Override
   public long getExpiredUnanswered() {
      return link.expiredUnanswered.get();
   }

   @Override
   public long getUnansweredGivenUp() {
      return link.unansweredGivenUp.get();
   }

   @Override
   public long getParkedLookupsFailed() {
      return link.parkedLookupsFailed.get();
   }

   @Override
   public long getExpiredUnsent() {
      return link.expiredUnsent.get();
   }

   @Override
   public long getRecordPutsFailed() {
      return link.recordPutsFailed.get();
   }

   @Override
   public long getAlreadyAccepted() {
      return link.alreadyAccepted.get();
   }

   @Override
   public long getMoReceived() {
      return link.moReceived.get();
   }

   @Override
   public long getReceiptsNotFromRecipient() {
      return link.receiptsNotFromRecipient.get();
   }

   @Override
   public long getExpiredReportsFailed() {
      return link.expiredReportsFailed.get();
   }

   @Override
   public long getRecordRemovalsFailed() {
      return link.recordRemovalsFailed.get();
   }

   @Override
   public long getReconnects() {
      return link.reconnects.get();
   }

   @Override
   public long getConsumerReopened() {
      return link.consumerReopened.get();
   }

   @Override
   public void reconnect() {
      link.reconnect();
   }
}
