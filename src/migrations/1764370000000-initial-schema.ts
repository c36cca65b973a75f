import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole data-rights model in one migration set, so it is coherent from the start:
 * subjects, categories, purposes, consents and their history, collection events, recipients,
 * disclosures, data requests, legal holds, policy versions and the audit chain.
 * Portable across MariaDB 10.6+ and MySQL 8 (InnoDB, utf8mb4, no vendor-only syntax).
 */
export class InitialSchema1764370000000 implements MigrationInterface {
  name = 'InitialSchema1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE `audit_chain_head` (`id` tinyint UNSIGNED NOT NULL, `last_seq` int UNSIGNED NOT NULL, `last_hash` char(64) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `audit_events` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `seq` int UNSIGNED NOT NULL, `occurred_at` datetime(3) NOT NULL, `actor` varchar(200) NOT NULL, `action` varchar(80) NOT NULL, `entity_type` varchar(60) NOT NULL, `entity_id` varchar(60) NULL, `details` json NULL, `prev_hash` char(64) NOT NULL, `hash` char(64) NOT NULL, UNIQUE INDEX `uq_audit_events_seq` (`seq`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `subjects` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `name` varchar(200) NULL, `email` varchar(254) NULL, `phone` varchar(16) NULL, `street_address` varchar(300) NULL, `city` varchar(100) NULL, `postal_code` varchar(20) NULL, `region` varchar(6) NULL, `country` char(2) NULL, `birth_date` date NULL, `age_range` varchar(10) NULL, `status` enum ('ACTIVE', 'ERASED') NOT NULL DEFAULT 'ACTIVE', `source` enum ('CONTACT_FORM', 'WEBSITE', 'IMPORT', 'ADMIN') NOT NULL DEFAULT 'CONTACT_FORM', `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), `erased_at` datetime(3) NULL, UNIQUE INDEX `uq_subjects_email` (`email`), INDEX `idx_subjects_created` (`created_at`, `id`), INDEX `idx_subjects_status` (`status`, `id`), INDEX `idx_subjects_region` (`region`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `collection_events` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `subject_id` int UNSIGNED NULL, `ip_address` varchar(45) NULL, `latitude` double NULL, `longitude` double NULL, `geo_accuracy_m` int UNSIGNED NULL, `region` varchar(6) NULL, `device_id` varchar(128) NULL, `cookie_id` varchar(128) NULL, `user_agent` varchar(512) NULL, `page` varchar(2048) NULL, `dnt` tinyint NOT NULL DEFAULT 0, `gpc` tinyint NOT NULL DEFAULT 0, `de_identified` tinyint NOT NULL DEFAULT 0, `occurred_at` datetime(3) NOT NULL, INDEX `idx_collection_events_time` (`occurred_at`), INDEX `idx_collection_events_subject_time` (`subject_id`, `occurred_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `purposes` (`key` varchar(40) NOT NULL, `label` varchar(200) NOT NULL, `description` varchar(1000) NOT NULL, PRIMARY KEY (`key`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `consents` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `subject_id` int UNSIGNED NOT NULL, `purpose` varchar(40) NOT NULL, `status` enum ('GRANTED', 'WITHDRAWN') NOT NULL, `source` enum ('FORM', 'UNSUBSCRIBE_LINK', 'GPC_SIGNAL', 'DNT_SIGNAL', 'ADMIN') NOT NULL, `policy_version` varchar(40) NULL, `version` int UNSIGNED NOT NULL, `updated_at` datetime(3) NOT NULL, UNIQUE INDEX `uq_consents_subject_purpose` (`subject_id`, `purpose`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `consent_events` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `subject_id` int UNSIGNED NOT NULL, `purpose` varchar(40) NOT NULL, `seq` int UNSIGNED NOT NULL, `status` enum ('GRANTED', 'WITHDRAWN') NOT NULL, `source` enum ('FORM', 'UNSUBSCRIBE_LINK', 'GPC_SIGNAL', 'DNT_SIGNAL', 'ADMIN') NOT NULL, `policy_version` varchar(40) NULL, `occurred_at` datetime(3) NOT NULL, `recorded_by` varchar(200) NOT NULL, UNIQUE INDEX `uq_consent_events_seq` (`subject_id`, `purpose`, `seq`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `data_categories` (`key` varchar(100) NOT NULL, `label` varchar(200) NOT NULL, `shine_the_light_category` varchar(200) NULL, PRIMARY KEY (`key`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `data_requests` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `type` enum ('ERASURE', 'CHILD_DELETION', 'CALIFORNIA_NOTICE') NOT NULL, `status` enum ('RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED_BY_HOLD', 'COMPLETED', 'REJECTED') NOT NULL DEFAULT 'RECEIVED', `channel` varchar(40) NOT NULL, `subject_id` int UNSIGNED NOT NULL, `received_at` datetime(3) NOT NULL, `acknowledge_due_at` datetime(3) NULL, `acknowledged_at` datetime(3) NULL, `due_at` datetime(3) NOT NULL, `extended_at` datetime(3) NULL, `extension_reason` varchar(1000) NULL, `completed_at` datetime(3) NULL, `overdue` tinyint NOT NULL DEFAULT 0, `reason_code` varchar(60) NULL, `result` json NULL, `created_by` varchar(200) NOT NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX `idx_data_requests_type` (`type`, `id`), INDEX `idx_data_requests_status_due` (`status`, `due_at`), INDEX `idx_data_requests_subject` (`subject_id`, `type`, `status`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `recipients` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `kind` enum ('AFFILIATE', 'AGENT', 'PARTNER', 'ACQUIRER', 'AUTHORITY', 'THIRD_PARTY') NOT NULL, `name` varchar(200) NOT NULL, `postal_address` varchar(500) NULL, `email` varchar(254) NULL, `business_description` varchar(1000) NULL, `allowed_purposes` text NOT NULL, `contract_reference` varchar(200) NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX `uq_recipients_name` (`name`), INDEX `idx_recipients_kind` (`kind`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `disclosures` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `subject_id` int UNSIGNED NULL, `recipient_id` int UNSIGNED NOT NULL, `purpose` enum ('DIRECT_MARKETING', 'TRANSACTION', 'SERVICE_PROVISION', 'BUSINESS_TRANSFER', 'LEGAL_COMPLIANCE', 'AGGREGATE_ANALYTICS') NOT NULL, `identifiable` tinyint NOT NULL, `transaction_reference` varchar(200) NULL, `occurred_at` datetime(3) NOT NULL, `recorded_by` varchar(200) NOT NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX `idx_disclosures_recipient_time` (`recipient_id`, `occurred_at`), INDEX `idx_disclosures_subject_time` (`subject_id`, `occurred_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `disclosure_categories` (`disclosure_id` int UNSIGNED NOT NULL, `category_key` varchar(100) NOT NULL, INDEX `idx_disclosure_categories_category` (`category_key`), PRIMARY KEY (`disclosure_id`, `category_key`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `legal_holds` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `matter` varchar(200) NOT NULL, `case_reference` varchar(200) NOT NULL, `description` varchar(2000) NULL, `status` enum ('ACTIVE', 'RELEASED') NOT NULL DEFAULT 'ACTIVE', `categories` text NULL, `scope_from` datetime(3) NULL, `scope_until` datetime(3) NULL, `placed_by` varchar(200) NOT NULL, `placed_at` datetime(3) NOT NULL, `released_by` varchar(200) NULL, `released_at` datetime(3) NULL, `release_reason` varchar(2000) NULL, INDEX `idx_legal_holds_status` (`status`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `legal_hold_subjects` (`hold_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, `added_at` datetime(3) NOT NULL, `added_by` varchar(200) NOT NULL, INDEX `idx_legal_hold_subjects_subject` (`subject_id`), PRIMARY KEY (`hold_id`, `subject_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `policy_versions` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `version` varchar(40) NOT NULL, `effective_at` datetime(3) NOT NULL, `summary` varchar(4000) NOT NULL, `url` varchar(2048) NOT NULL, `published_at` datetime(3) NOT NULL, `published_by` varchar(200) NOT NULL, UNIQUE INDEX `uq_policy_versions_version` (`version`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("ALTER TABLE `collection_events` ADD CONSTRAINT `fk_collection_events_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `consents` ADD CONSTRAINT `fk_consents_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `consents` ADD CONSTRAINT `fk_consents_purpose` FOREIGN KEY (`purpose`) REFERENCES `purposes`(`key`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `consent_events` ADD CONSTRAINT `fk_consent_events_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `consent_events` ADD CONSTRAINT `fk_consent_events_purpose` FOREIGN KEY (`purpose`) REFERENCES `purposes`(`key`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `data_requests` ADD CONSTRAINT `fk_data_requests_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `disclosures` ADD CONSTRAINT `fk_disclosures_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `disclosures` ADD CONSTRAINT `fk_disclosures_recipient_id` FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `disclosure_categories` ADD CONSTRAINT `fk_disclosure_categories_disclosure_id` FOREIGN KEY (`disclosure_id`) REFERENCES `disclosures`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `disclosure_categories` ADD CONSTRAINT `fk_disclosure_categories_category_key` FOREIGN KEY (`category_key`) REFERENCES `data_categories`(`key`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `legal_hold_subjects` ADD CONSTRAINT `fk_legal_hold_subjects_hold_id` FOREIGN KEY (`hold_id`) REFERENCES `legal_holds`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE `legal_hold_subjects` ADD CONSTRAINT `fk_legal_hold_subjects_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    // Categories are fideslang keys; each maps to at most one Shine-the-Light category (LEGAL.md).
    await q.query(
      `INSERT INTO data_categories (\`key\`, label, shine_the_light_category) VALUES
        ('user.name', 'Name', 'Name and address'),
        ('user.contact.email', 'Email address', 'Email address'),
        ('user.contact.phone_number', 'Telephone number', 'Telephone number'),
        ('user.contact.address', 'Postal address', 'Name and address'),
        ('user.device.ip_address', 'IP address', NULL),
        ('user.location.precise', 'Precise geolocation (under 500 m)', NULL),
        ('user.location.imprecise', 'Imprecise geolocation', NULL),
        ('user.device.device_id', 'Device identifier', NULL),
        ('user.device.cookie_id', 'Cookie identifier', NULL),
        ('user.device', 'Browser and device type', NULL),
        ('user.behavior.browsing_history', 'Pages and features requested', NULL),
        ('user.financial.credit_card', 'Payment card number', 'Credit card number'),
        ('user.demographic.date_of_birth', 'Date of birth', 'Age or date of birth'),
        ('user.demographic.age_range', 'Age range', 'Age or date of birth')`,
    );
    await q.query(
      `INSERT INTO purposes (\`key\`, label, description) VALUES
        ('PRODUCT_EMAIL', 'Marketing email from the company', 'Emails about the company''s own products, services and offers.'),
        ('THIRD_PARTY_OFFERS', 'Offers on behalf of other businesses', 'Promotional emails the company sends on behalf of other businesses.'),
        ('THIRD_PARTY_MARKETING_SHARING', 'Sharing with third parties for their own marketing', 'Disclosure of personal information to third parties or affiliates for their own direct marketing.'),
        ('EMAIL_OPEN_TRACKING', 'Email-open confirmations', 'Confirmation that an email was opened.'),
        ('ANALYTICS_COOKIES', 'Analytics cookies', 'Cookies and similar technologies used to measure use of the website.'),
        ('LEGAL_NOTICE_EMAIL', 'Legal notices by email', 'Notices of policy changes sent by email; a posted notice still governs those who opt out.')`,
    );
    await q.query(`INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 0, REPEAT('0', 64))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('SET FOREIGN_KEY_CHECKS = 0');
    await q.query('DROP TABLE IF EXISTS `policy_versions`');
    await q.query('DROP TABLE IF EXISTS `legal_hold_subjects`');
    await q.query('DROP TABLE IF EXISTS `legal_holds`');
    await q.query('DROP TABLE IF EXISTS `disclosure_categories`');
    await q.query('DROP TABLE IF EXISTS `disclosures`');
    await q.query('DROP TABLE IF EXISTS `recipients`');
    await q.query('DROP TABLE IF EXISTS `data_requests`');
    await q.query('DROP TABLE IF EXISTS `data_categories`');
    await q.query('DROP TABLE IF EXISTS `consent_events`');
    await q.query('DROP TABLE IF EXISTS `consents`');
    await q.query('DROP TABLE IF EXISTS `purposes`');
    await q.query('DROP TABLE IF EXISTS `collection_events`');
    await q.query('DROP TABLE IF EXISTS `subjects`');
    await q.query('DROP TABLE IF EXISTS `audit_events`');
    await q.query('DROP TABLE IF EXISTS `audit_chain_head`');
    await q.query('SET FOREIGN_KEY_CHECKS = 1');
  }
}
