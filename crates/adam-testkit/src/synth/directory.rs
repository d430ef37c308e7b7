//! The directory part of the generator: applications, roles, offices, jobs, people and their
//! grants.

use super::*;

pub(super) fn applications(g: &mut Gen) -> Result<Vec<AppId>, Error> {
    let mut out = Vec::new();
    for (i, (code, name)) in APP_CODES.iter().zip(APP_NAMES).enumerate() {
        g.events.push(Event::Application(Application {
            id: AppId(i as u32),
            code: Code::parse("code", code)?,
            name: text(name)?,
            writer_role: None,
            rev: g.rev,
        }));
        out.push(AppId(i as u32));
    }
    Ok(out)
}

pub(super) fn roles(g: &mut Gen, apps: &[AppId]) -> Result<Roles, Error> {
    let mut next = 0u32;
    let rev = g.rev;
    let mut depth: Vec<usize> = Vec::new();
    let mut role = |g: &mut Gen,
                    code: &str,
                    kind: RoleKind,
                    app: Option<AppId>,
                    level: Option<Level>,
                    power: Option<SystemPower>,
                    mut members: Vec<RoleId>|
     -> Result<RoleId, Error> {
        members.sort_unstable();
        members.dedup();
        let id = RoleId(next);
        next += 1;
        let d = members.iter().map(|m| depth[m.index()] + 1).max().unwrap_or(0);
        depth.push(d);
        g.summary.role_depth = g.summary.role_depth.max(d);
        g.events.push(Event::Role(Role {
            id,
            code: RoleCode::parse("code", code)?,
            kind,
            app,
            description: text(&format!("Vloga {code}"))?,
            object_level: level,
            power,
            members,
            rev,
        }));
        Ok(id)
    };
    let sys = RoleKind::System;
    let appk = RoleKind::Application;
    let user = RoleKind::User;
    let user_admin = role(
        g,
        SystemPower::UserAdmin.code(),
        sys,
        None,
        None,
        Some(SystemPower::UserAdmin),
        vec![],
    )?;
    let security_lead = role(
        g,
        SystemPower::SecurityLead.code(),
        sys,
        None,
        None,
        Some(SystemPower::SecurityLead),
        vec![],
    )?;
    let mut run = Vec::new();
    let mut write = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        run.push(role(
            g,
            &format!("{}_run", APP_CODES[i]),
            appk,
            Some(*app),
            None,
            None,
            vec![],
        )?);
        write.push(role(
            g,
            &format!("{}.write", APP_CODES[i]),
            appk,
            Some(*app),
            None,
            None,
            vec![],
        )?);
    }
    let (vopi, vpp, dapa, fpr) = (apps[0], apps[1], apps[2], apps[4]);
    let view_all_vpp = role(
        g,
        "VPP.view_all_documents",
        appk,
        Some(vpp),
        Some(Level::View14),
        None,
        vec![],
    )?;
    let view_all_fpr = role(
        g,
        "FPR.view_all_documents",
        appk,
        Some(fpr),
        Some(Level::View13),
        None,
        vec![],
    )?;
    let stranka = role(g, "VOPI_stranka_fin", appk, Some(vopi), None, None, vec![])?;
    let level_b = role(g, "DAPA_LEVEL_B", appk, Some(dapa), None, None, vec![])?;
    let level_a = role(g, "DAPA_LEVEL_A", appk, Some(dapa), None, None, vec![])?;
    let zaupno = role(g, "VOPI_ZAUPNO", appk, Some(vopi), None, None, vec![])?;
    let staff_basic = role(
        g,
        "staff.basic",
        user,
        None,
        None,
        None,
        run.iter().chain(&write).copied().collect(),
    )?;
    let clearance_z1 = role(g, "clearance.Z1", user, None, None, None, vec![level_b])?;
    let referenti = role(
        g,
        "VOPI/Referenti",
        user,
        Some(vopi),
        None,
        None,
        vec![run[0], write[0]],
    )?;
    let glavna = role(
        g,
        "VOPI/Glavna pisarna",
        user,
        Some(vopi),
        None,
        None,
        vec![referenti, stranka],
    )?;
    let dist = role(g, "GLPI", user, None, None, None, vec![glavna, staff_basic])?;
    let leader_view = role(
        g,
        "leader.view",
        user,
        None,
        None,
        None,
        vec![view_all_vpp, view_all_fpr],
    )?;
    let leader_main = role(g, "leader.main", user, None, None, None, vec![leader_view, level_a])?;
    let leader_top = role(g, "leader.top", user, None, None, None, vec![leader_main, staff_basic])?;
    let auditor = role(g, "auditor", user, None, None, None, vec![view_all_fpr])?;
    let mut leaves: Vec<RoleId> = run.iter().chain(&write).copied().collect();
    leaves.extend([stranka, referenti]);
    let mut departments: Vec<RoleId> = Vec::new();
    for k in 0..100 {
        let mut members = Vec::new();
        for _ in 0..g.rng.between(2, 3) {
            members.extend(g.rng.pick(&leaves).copied());
        }
        if k >= 10 && g.rng.chance(400) {
            members.extend(g.rng.pick(&departments).copied());
        }
        let d = role(g, &format!("DEP/{k:03}"), user, None, None, None, members)?;
        departments.push(d);
    }
    g.summary.roles = next as usize;
    Ok(Roles {
        write,
        view_all_vpp,
        clearance: [level_b, level_a, zaupno],
        staff_basic,
        clearance_z1,
        dist,
        leader_main,
        leader_top,
        auditor,
        departments,
        user_admin,
        security_lead,
    })
}

pub(super) fn offices(g: &mut Gen, config: &Config) -> Result<(), Error> {
    let n = config.offices;
    let top = (n / 500).clamp(2, n);
    let d = &mut g.dir;
    let mut previous = 0..0;
    let mut width = top;
    let mut level = 1;
    while d.office_parent.len() < n {
        let start = d.office_parent.len();
        let len = width.min(n - start);
        for _ in 0..len {
            if level == 1 {
                d.office_parent.push(None);
                d.office_top.push(d.office_parent.len() - 1);
            } else {
                let p = previous.start + g.rng.below(previous.len());
                d.office_parent.push(Some(p));
                d.office_top.push(d.office_top[p]);
            }
            d.office_level.push(level);
        }
        previous = start..start + len;
        width = len * 10;
        level += 1;
    }
    g.summary.office_depth = level - 1;
    let external = top - 1;
    for i in 0..n {
        let code = match i {
            0 => "GLPI".to_owned(),
            _ if i == external => "TOK".to_owned(),
            _ => format!("U{i:05}"),
        };
        let name = match i {
            0 => "Glavna pisarna – sprejemno informacijska služba".to_owned(),
            _ if i == external => "Turistična organizacija".to_owned(),
            _ => format!("Urad {code}"),
        };
        g.events.push(Event::Office(Office {
            id: OfficeId(i as u32),
            code: Code::parse("code", &code)?,
            name: text(&name)?,
            parent: g.dir.office_parent[i].map(|p| OfficeId(p as u32)),
            signing_code: Some(SigningCode::parse("signing_code", &format!("{}", 1000 + i))?),
            valid: true,
            rev: g.rev,
        }));
    }
    g.summary.offices = n;
    g.notable.main_office = Some(OfficeId(0));
    g.notable.external_office = Some(OfficeId(external as u32));
    Ok(())
}

pub(super) fn jobs(g: &mut Gen, config: &Config) -> Result<(), Error> {
    let n_off = config.offices;
    let people = people_count(config.users);
    let target = people * 103 / 100;
    let regular_total = target.saturating_sub(2 * n_off).max(3);
    // Skewed office sizes: weights 1–10, one office in thirty five times bigger; the main
    // office gets about thirty regular jobs.
    let mut regular = vec![0usize; n_off];
    regular[0] = (regular_total / 10).clamp(3, 30).min(regular_total);
    let mut cumulative = Vec::with_capacity(n_off - 1);
    let mut total = 0u64;
    for _ in 1..n_off {
        let w = 1 + g.rng.below(10) as u64;
        total += if g.rng.chance(33) { w * 5 } else { w };
        cumulative.push(total);
    }
    for _ in regular[0]..regular_total {
        let x = g.rng.below(total as usize) as u64;
        let o = 1 + cumulative.partition_point(|c| *c <= x).min(n_off - 2);
        regular[o] += 1;
    }
    let mut next = 0usize;
    let mut serial = 0usize;
    for (o, count) in regular.iter().enumerate() {
        let start = next;
        let code = match o {
            0 => "GLPI".to_owned(),
            _ if g.notable.external_office == Some(OfficeId(o as u32)) => "TOK".to_owned(),
            _ => format!("U{o:05}"),
        };
        let mut push = |g: &mut Gen, job_code: String, name: &str, kind: JobKind| -> Result<(), Error> {
            g.events.push(Event::Job(Job {
                id: JobId(next as u32),
                code: JobCode::parse("code", &job_code)?,
                signing_code: Some(SigningCode::parse("signing_code", &format!("{}", 100_000 + next))?),
                name: text(name)?,
                office: OfficeId(o as u32),
                kind,
                valid: true,
                rev: g.rev,
            }));
            g.dir.job_office.push(o);
            next += 1;
            Ok(())
        };
        push(g, format!("LEADER.{code}"), "Predstojnik", JobKind::Head)?;
        push(g, format!("TAJNISTVO.{code}"), "Tajništvo", JobKind::Secretariat)?;
        for _ in 0..*count {
            serial += 1;
            push(g, format!("JOB.{serial:06}"), "Referent", JobKind::Regular)?;
        }
        g.dir.office_jobs.push(start..next);
    }
    g.dir.job_holder = vec![None; next];
    g.summary.jobs = next;
    Ok(())
}

pub(super) fn people_count(users: usize) -> usize {
    users - admin_count(users) - service_count(users)
}
pub(super) fn admin_count(users: usize) -> usize {
    (users / 50_000).clamp(1, 5)
}
pub(super) fn service_count(users: usize) -> usize {
    (users / 30_000).clamp(1, 5)
}

pub(super) fn users(g: &mut Gen, config: &Config) -> Result<(), Error> {
    let people = people_count(config.users);
    let n_jobs = g.dir.job_holder.len();
    let mut order: Vec<usize> = (0..n_jobs).collect();
    g.rng.shuffle(&mut order);
    let (first, vacant) = order.split_at(people.min(n_jobs));
    let mut vacant: Vec<usize> = vacant.to_vec();
    for u in 0..config.users {
        let mut kind = AccountKind::User;
        let mut jobs: Vec<usize> = Vec::new();
        let mut active = true;
        if u < people {
            if let Some(j) = first.get(u) {
                jobs.push(*j);
            }
            if g.rng.chance(150) {
                // One second job in ten fills a vacancy; the rest share a job with its holder.
                let filled = if g.rng.chance(100) { vacant.pop() } else { None };
                let second = filled.unwrap_or_else(|| g.rng.below(n_jobs));
                if !jobs.contains(&second) {
                    jobs.push(second);
                    g.summary.users_with_two_jobs += 1;
                }
            }
            active = !g.rng.chance(10);
        } else if u < people + service_count(config.users) {
            kind = AccountKind::SystemUser;
            g.notable.service_users.push(UserId(u as u32));
        } else {
            kind = AccountKind::Admin;
            g.notable.admins.push(UserId(u as u32));
        }
        if !active {
            g.notable.inactive_users.push(UserId(u as u32));
            g.summary.inactive_users += 1;
        }
        for j in &jobs {
            if g.dir.job_holder[*j].is_none() {
                g.dir.job_holder[*j] = Some(u);
            }
        }
        let first_name = FIRST_NAMES[u % FIRST_NAMES.len()];
        let last_name = LAST_NAMES[(u / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let username = match kind {
            AccountKind::User => format!("u{u:06}"),
            AccountKind::SystemUser => format!("svc{u:06}"),
            AccountKind::Admin => format!("admin{u:06}"),
        };
        g.events.push(Event::User(User {
            id: UserId(u as u32),
            username: Username::parse("username", &username)?,
            kind,
            active,
            title: None,
            first_name: text(first_name)?,
            last_name: text(last_name)?,
            gender: Gender::Unspecified,
            email: Email::parse("email", &format!("{username}@sintetika.si"))?,
            phone: None,
            jobs: jobs.iter().map(|j| JobId(*j as u32)).collect(),
            rev: g.rev,
        }));
        g.dir.user_jobs.push(jobs);
        g.dir.user_active.push(active);
    }
    g.summary.users = config.users;
    g.summary.vacant_jobs = g.dir.job_holder.iter().filter(|h| h.is_none()).count();
    Ok(())
}

pub(super) fn grants(g: &mut Gen, roles: &Roles) -> Result<(), Error> {
    let mut next = 0u32;
    let at = g.at;
    let rev = g.rev;
    let mut grant = |g: &mut Gen, role: RoleId, grantee: Grantee, window: Window, scope: Option<OfficeId>| {
        g.events.push(Event::Grant(Grant {
            id: GrantId(next),
            role,
            grantee,
            window,
            scope,
            reference: None,
            rev,
        }));
        next += 1;
    };
    let n_off = g.dir.office_parent.len();
    let n_jobs = g.dir.job_holder.len();
    let n_users = g.dir.user_jobs.len();
    let external = g.notable.external_office.map_or(usize::MAX, |o| o.index());
    // Everyone may work in every application; Z1 clearance for every top office but TOK.
    grant(g, roles.staff_basic, Grantee::Everyone, Window::ALWAYS, None);
    let mut clearance = vec![0u8; n_users];
    for o in 0..n_off {
        if g.dir.office_parent[o].is_none() && o != external {
            grant(
                g,
                roles.clearance_z1,
                Grantee::Office(OfficeId(o as u32)),
                Window::ALWAYS,
                None,
            );
        }
    }
    for (u, jobs) in g.dir.user_jobs.iter().enumerate() {
        if jobs.iter().any(|j| g.dir.office_top[g.dir.job_office[*j]] != external) {
            clearance[u] = 1;
        }
    }
    // The distribution role: three occupied jobs of the main office with active people.
    let main_jobs: Vec<usize> = g.dir.office_jobs[0].clone().collect();
    let mut dist_jobs: Vec<usize> = main_jobs
        .iter()
        .copied()
        .filter(|j| g.dir.occupant(*j).is_some_and(|u| g.dir.user_active[u]))
        .rev()
        .take(3)
        .collect();
    dist_jobs.sort_unstable();
    for j in &dist_jobs {
        grant(g, roles.dist, Grantee::Job(JobId(*j as u32)), Window::ALWAYS, None);
        g.notable.dist_jobs.push(JobId(*j as u32));
    }
    // Leaders: heads of the top offices hold leader.top; thirty more heads leader.main.
    let mut z2_jobs: Vec<usize> = Vec::new();
    for o in 0..n_off {
        if g.dir.office_parent[o].is_none() {
            let head = g.dir.office_jobs[o].start;
            grant(
                g,
                roles.leader_top,
                Grantee::Job(JobId(head as u32)),
                Window::ALWAYS,
                None,
            );
            g.notable.view_all_jobs.push(JobId(head as u32));
            z2_jobs.push(head);
        }
    }
    let second_level: Vec<usize> = (0..n_off).filter(|o| g.dir.office_level[*o] == 2).collect();
    for _ in 0..30.min(second_level.len()) {
        let Some(o) = g.rng.pick(&second_level).copied() else {
            break;
        };
        let head = g.dir.office_jobs[o].start;
        if z2_jobs.contains(&head) {
            continue;
        }
        grant(
            g,
            roles.leader_main,
            Grantee::Job(JobId(head as u32)),
            Window::ALWAYS,
            None,
        );
        g.notable.view_all_jobs.push(JobId(head as u32));
        z2_jobs.push(head);
    }
    // Z2 clearance for 8% of jobs (one in twenty of those grants has expired).
    for j in 0..n_jobs {
        if g.rng.chance(80) {
            let expired = g.rng.chance(50);
            let window = if expired {
                Window {
                    from: Some(at.plus_days(-400)),
                    to: Some(at.plus_days(-30)),
                }
            } else {
                Window::ALWAYS
            };
            grant(g, roles.clearance[1], Grantee::Job(JobId(j as u32)), window, None);
            if !expired {
                z2_jobs.push(j);
            }
        }
    }
    // Everyone holding one of those jobs is cleared for Z2.
    let z2_set: std::collections::HashSet<usize> = z2_jobs.iter().copied().collect();
    for (u, jobs) in g.dir.user_jobs.iter().enumerate() {
        if jobs.iter().any(|j| z2_set.contains(j)) {
            clearance[u] = clearance[u].max(2);
        }
    }
    // Z3 clearance for 1% of people, some grants expired, some not yet valid.
    let people = people_count(n_users);
    for (u, held) in clearance.iter_mut().enumerate().take(people) {
        if !g.rng.chance(10) {
            continue;
        }
        let (window, valid) = match g.rng.below(10) {
            0 => (
                Window {
                    from: None,
                    to: Some(at.plus_days(-30)),
                },
                false,
            ),
            1 => (
                Window {
                    from: Some(at.plus_days(30)),
                    to: None,
                },
                false,
            ),
            2 => (
                Window {
                    from: Some(at.plus_days(-100)),
                    to: Some(at.plus_days(100)),
                },
                true,
            ),
            _ => (Window::ALWAYS, true),
        };
        grant(g, roles.clearance[2], Grantee::User(UserId(u as u32)), window, None);
        if valid {
            *held = 3;
            g.notable.z3_users.push(UserId(u as u32));
        }
    }
    // Department roles: to a few offices each, and to 5% of jobs.
    for d in roles.departments.clone() {
        for _ in 0..g.rng.between(1, 4) {
            let o = g.rng.below(n_off);
            grant(g, d, Grantee::Office(OfficeId(o as u32)), Window::ALWAYS, None);
        }
    }
    for j in 0..n_jobs {
        if g.rng.chance(50) {
            let Some(d) = g.rng.pick(&roles.departments).copied() else {
                continue;
            };
            grant(g, d, Grantee::Job(JobId(j as u32)), Window::ALWAYS, None);
        }
    }
    // Auditors, user administrators, a security lead.
    for _ in 0..5 {
        let u = g.rng.below(people);
        grant(g, roles.auditor, Grantee::User(UserId(u as u32)), Window::ALWAYS, None);
    }
    grant(
        g,
        roles.user_admin,
        Grantee::Job(JobId(g.dir.office_jobs[0].start as u32)),
        Window::ALWAYS,
        None,
    );
    for o in 1..4.min(n_off) {
        let secretariat = g.dir.office_jobs[o].start + 1;
        grant(
            g,
            roles.user_admin,
            Grantee::Job(JobId(secretariat as u32)),
            Window::ALWAYS,
            Some(OfficeId(o as u32)),
        );
    }
    let lead = g.rng.below(people);
    grant(
        g,
        roles.security_lead,
        Grantee::User(UserId(lead as u32)),
        Window::ALWAYS,
        None,
    );
    for (u, c) in clearance.iter().enumerate() {
        if !g.dir.user_active[u] || g.dir.user_jobs[u].is_empty() {
            continue;
        }
        for k in 0..=usize::from(*c) {
            g.dir.cleared[k].push(u);
        }
    }
    g.summary.grants = next as usize;
    Ok(())
}
