"""SMS over SMPP 3.4 (smpplib): the short message service centre of the mobile operator.

`client.send_sms(to=..., text=...)` sends one SMS (split into parts when long) and returns
the SMSC's message ids; `channel.send_sms_notification` is the "sms" channel of the
notifications outbox. Without SMPP_HOST the messages are written to files instead
(docs/sms.md).
"""
