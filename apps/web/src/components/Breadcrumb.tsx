import { Fragment } from 'react';
import { Link } from '../app/router';
import { useT } from '../i18n/i18n';

/** The pages above this one, each a link, then this page's name. */
export function Breadcrumb({ trail, current }: { trail: { href: string; label: string }[]; current: string }) {
  const t = useT();
  return (
    <nav className="breadcrumb" aria-label={t.breadcrumb}>
      {trail.map((step) => (
        <Fragment key={step.href}>
          <Link href={step.href}>{step.label}</Link> <span aria-hidden>›</span>{' '}
        </Fragment>
      ))}
      <span aria-current="page">{current}</span>
    </nav>
  );
}
