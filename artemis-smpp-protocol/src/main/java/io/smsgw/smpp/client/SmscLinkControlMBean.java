package io.smsgw.smpp.client;

/** Management view of one SMSC link (JMX, the console's JMX tab, management messages). */
public interface SmscLinkControlMBean {

   String getLinkId();

   /** STOPPED, CONNECTING or BOUND. */
   String getState();

   String getSmsc();

   String getQueueName();

   int getWindowSize();

   /** Messages taken from the queue and not yet resolved (counted against the window). */
   int getWindowInUse();

   long getSubmitted();

   long getAccepted();

   long getThrottled();

   long getRefused();

   long getReceiptsMatched();

   long getReceiptsUnmatched();

   long getMoReceived();

   long getReconnects();
}
