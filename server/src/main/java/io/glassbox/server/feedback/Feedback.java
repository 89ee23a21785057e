package io.glassbox.server.feedback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * One verdict a user gave on one finding (table {@code feedback}, db/migrations V10). Rows are only ever added:
 * a later verdict by the same user on the same finding supersedes the earlier one, which stays as history.
 */
@Entity
@Table(name = "feedback")
public class Feedback extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "study_instance_uid", nullable = false, updatable = false)
    public String studyInstanceUid;

    @Column(name = "job_id", nullable = false, updatable = false)
    public long jobId;

    @Column(name = "sop_instance_uid", nullable = false, updatable = false)
    public String sopInstanceUid;

    @Column(nullable = false, updatable = false)
    public int frame;

    @Column(name = "class_id", nullable = false, updatable = false)
    public String classId;

    @Column(nullable = false, updatable = false)
    public String verdict;

    @Column(updatable = false)
    public String comment;

    @Column(name = "user_name", nullable = false, updatable = false)
    public String userName;

    @Column(name = "plugin_id", nullable = false, updatable = false)
    public String pluginId;

    @Column(name = "plugin_version", nullable = false, updatable = false)
    public String pluginVersion;

    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;
}
