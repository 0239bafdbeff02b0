package dev.beacon.control.alerts;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Alert e-mails over SMTP (Jakarta Mail / Eclipse Angus). The first alert of a call gets Message-ID
 * {@code <alert-id@domain>}; every update is a reply to it ({@code In-Reply-To} and {@code References}) with the
 * subject {@code Re: <first subject>}, so mail clients show one thread per call. Plain text, no links.
 */
public final class EmailSender implements AlertSender {

    private static final int TIMEOUT_MS = 10_000;

    private final SmtpSettings smtp;
    private final Session session;
    private final Clock clock;
    private final String domain;

    public EmailSender(SmtpSettings smtp, Clock clock) {
        this.smtp = smtp;
        this.clock = clock;
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.connectiontimeout", Integer.toString(TIMEOUT_MS));
        p.put("mail.smtp.timeout", Integer.toString(TIMEOUT_MS));
        p.put("mail.smtp.writetimeout", Integer.toString(TIMEOUT_MS));
        p.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls() != SmtpSettings.StartTls.OFF));
        p.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls() == SmtpSettings.StartTls.REQUIRED));
        p.put("mail.smtp.auth", Boolean.toString(smtp.user() != null));
        this.session = Session.getInstance(p);
        int at = smtp.from().lastIndexOf('@');
        this.domain = at < 0 ? "beacon.invalid" : smtp.from().substring(at + 1).replaceAll("[^A-Za-z0-9.-]", "");
    }

    @Override
    public String send(AlertRouteStore.Target target, Alert alert) throws DeliveryFailure {
        String messageId = "<" + alert.alertId() + (alert.update() ? "." + alert.fact().factId() + ".r"
                + alert.fact().revision() : "") + "@" + domain + ">";
        try {
            MimeMessage m = new FixedIdMessage(session, messageId);
            m.setFrom(new InternetAddress(smtp.from(), true));
            Address[] to = new Address[target.route().recipients().size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(target.route().recipients().get(i), true);
            }
            m.setRecipients(Message.RecipientType.TO, to);
            String subject = alert.update() && alert.rootSubject() != null ? "Re: " + alert.rootSubject()
                    : alert.title();
            m.setSubject(subject, "UTF-8");
            if (alert.update() && alert.rootMessageId() != null) {
                m.setHeader("In-Reply-To", alert.rootMessageId());
                m.setHeader("References", alert.rootMessageId());
            }
            m.setHeader("X-Beacon-Alert", alert.alertId().toString());
            m.setSentDate(Date.from(clock.instant()));
            m.setText(body(alert), "UTF-8");
            m.saveChanges();
            if (smtp.user() != null) {
                Transport.send(m, smtp.user(), smtp.password());
            } else {
                Transport.send(m);
            }
            return messageId;
        } catch (AddressException e) {
            throw new DeliveryFailure("invalid address", true);
        } catch (SMTPSendFailedException e) {
            throw new DeliveryFailure("SMTP " + e.getReturnCode(), e.getReturnCode() >= 500);
        } catch (SendFailedException e) {
            throw new DeliveryFailure(e.getClass().getSimpleName(), e.getInvalidAddresses() != null
                    && e.getInvalidAddresses().length > 0);
        } catch (MessagingException e) {
            throw new DeliveryFailure(e.getClass().getSimpleName(), false);
        }
    }

    /** The plain-text body: for an update, what changed first; then every line of the call. */
    static String body(Alert a) {
        StringBuilder b = new StringBuilder();
        b.append(a.update() ? "Update: " : "").append(a.title()).append("\n\n");
        if (a.update() && !a.changes().isEmpty()) {
            b.append("What changed:\n");
            a.changes().forEach(c -> b.append("  ").append(c.describe()).append('\n'));
            b.append('\n');
        }
        for (Map.Entry<String, String> e : a.lines().entrySet()) {
            b.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        b.append("\nBeacon alert ").append(a.alertId()).append(", fact ").append(a.fact().factId())
                .append(" revision ").append(a.fact().revision()).append('\n');
        return b.toString();
    }

    /** A message whose Message-ID is ours (saveChanges would otherwise invent one). */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
