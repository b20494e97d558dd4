import { Fragment } from 'react';
import { Link } from '../app/router';

/** The pages above this one, each a link, then this page's name. */
export function Breadcrumb({ trail, current }: { trail: { href: string; label: string }[]; current: string }) {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      {trail.map((step) => (
        <Fragment key={step.href}>
          <Link href={step.href}>{step.label}</Link> <span aria-hidden>›</span>{' '}
        </Fragment>
      ))}
      <span>{current}</span>
    </nav>
  );
}
